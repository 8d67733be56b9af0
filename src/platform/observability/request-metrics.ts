import type { NextFunction, Request, Response } from 'express';
import { FAULT_CODES, graphqlOutcomeOf } from './graphql-outcome';
import type { Metrics } from './metrics';

/** Counts each GraphQL request over HTTP when its answer is sent: outcome, refusal, duration. */
export function requestMetrics(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const graphql = graphqlOutcomeOf(req);
      if (!graphql) return;
      const { operation, outcome } = graphql;
      metrics.requests.inc({ operation, outcome });
      if (outcome !== 'OK' && !FAULT_CODES.has(outcome)) {
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
