import type { NextFunction, Request, Response } from 'express';
import { FAULT_CODES } from './graphql-outcome';
import { graphqlEnding } from './request-logging';
import type { Metrics } from './metrics';

/**
 * Counts each GraphQL request over HTTP when it ends: outcome (`ABORTED` when its answer was
 * not delivered), refusal, duration.
 */
export function requestMetrics(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const graphql = graphqlEnding(req, res);
      if (!graphql) return;
      const { operation, outcome } = graphql;
      metrics.requests.inc({ operation, outcome });
      if (outcome !== 'OK' && outcome !== 'ABORTED' && !FAULT_CODES.has(outcome)) {
        metrics.refusals.inc({ operation, code: outcome });
      }
      metrics.requestSeconds.observe(
        { operation },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
    next();
  };
}
