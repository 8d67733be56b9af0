import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Settings } from '../config/settings';
import { callerOf } from '../security/caller';
import { noteGraphQLOutcome, truncate } from '../observability/graphql-outcome';
import type { EventStore } from '../event-store/event-store';
import type { Projector } from '../projection-engine/projector';
import type { CallerWrites } from './caller-writes';
import { CONSISTENCY_TOKEN_HEADER, parseConsistencyToken, asRequestOf } from './consistency-token';

const RETRY_AFTER_SECONDS = '1';

function refuse(req: Request, res: Response, status: number, code: string, message: string) {
  const actor = callerOf(req)?.verified?.actor;
  noteGraphQLOutcome(req, {
    operation: '-',
    outcome: code,
    refusal: { code, message: truncate(message) },
    ...(actor ? { actor: { tenantId: actor.tenantId, userId: actor.userId } } : {}),
  });
  if (status === 503) res.setHeader('Retry-After', RETRY_AFTER_SECONDS);
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/**
 * On `/graphql`, after the gate: a request that sends a `Consistency-Token` waits until this
 * instance's read models have applied its position (at most READ_YOUR_WRITES_TIMEOUT_MS, then 503
 * NOT_READY, nothing run); a malformed token is 400 INVALID_INPUT. Every request gets a scope in
 * which its commands note the position they wrote (which `consistencyTokenPlugin` puts in the
 * answer), holding the position its caller last wrote through this instance, which its reads wait
 * for on the read models they read.
 */
export function consistencyTokenMiddleware(
  engine: Pick<Projector, 'waitFor' | 'visiblePosition'>,
  store: Pick<EventStore, 'headPosition'>,
  settings: Pick<Settings, 'READ_YOUR_WRITES_TIMEOUT_MS'>,
  callerWrites: CallerWrites,
): RequestHandler {
  /**
   * Whether the read models have applied `position` (waiting for them): false for a position the
   * store has not reached, which is no token it gave out; it rejects when the wait times out.
   */
  const reached = async (position: number): Promise<boolean> => {
    if (position > engine.visiblePosition() && position > (await store.headPosition())) {
      return false;
    }
    await engine.waitFor(position, settings.READ_YOUR_WRITES_TIMEOUT_MS);
    return true;
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers[CONSISTENCY_TOKEN_HEADER];
    const actor = callerOf(req)?.verified?.actor;
    const proceed = () => asRequestOf(actor, callerWrites, next);
    if (header === undefined) return proceed();
    const position = typeof header === 'string' ? parseConsistencyToken(header.trim()) : null;
    if (position === null) {
      return refuse(
        req,
        res,
        400,
        'INVALID_INPUT',
        'A Consistency-Token is the decimal string a mutation answered with (header Consistency-Token or extensions.consistencyToken), sent once. Nothing was run.',
      );
    }
    reached(position).then(
      (recorded) =>
        recorded
          ? proceed()
          : refuse(
              req,
              res,
              400,
              'INVALID_INPUT',
              `No event has been recorded at position ${position}: a Consistency-Token is one a mutation answered with. Nothing was run.`,
            ),
      () =>
        refuse(
          req,
          res,
          503,
          'NOT_READY',
          `This instance's read models did not reach your Consistency-Token (position ${position}) within ${settings.READ_YOUR_WRITES_TIMEOUT_MS} ms; nothing was run. Try again in a moment.`,
        ),
    );
  };
}
