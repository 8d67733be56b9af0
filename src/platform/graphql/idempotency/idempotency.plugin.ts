import type { ApolloServerPlugin } from '@apollo/server';
import { createHash } from 'node:crypto';
import {
  type FormattedExecutionResult,
  GraphQLError,
  type GraphQLFormattedError,
  OperationTypeNode,
} from 'graphql';
import { recordedPosition } from '../../consistency/consistency-token';
import { canonicalJson } from '../../domain/canonical-json';
import type { RequestContext } from '../request-context';
import { asUnavailable, StoreUnavailableError } from '../../faults/store-unavailable';
import { whileLocked } from '../../faults/while-locked';
import type { Claim, IdempotencyKeys } from './idempotency-keys';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

/**
 * Thrown before execution, where Apollo answers 500 unless the error names its HTTP status: these
 * are the caller's mistakes (400), a key in use (409) or a key store that cannot keep it (503),
 * refusals like any other.
 */
const HTTP_STATUS = { INVALID_INPUT: 400, CONFLICT: 409, UNAVAILABLE: 503 } as const;

const refuse = (
  code: keyof typeof HTTP_STATUS,
  message: string,
  extensions: Record<string, unknown> = {},
) =>
  new GraphQLError(message, {
    extensions: { code, ...extensions, http: { status: HTTP_STATUS[code] } },
  });

/**
 * Whether a mutation recorded something (then a retry replays it): a command of the request
 * recorded a position (consistency-token.ts), whatever its answer shows; a refused field after it
 * nulls the whole `data` of a mutation whose fields are non-null.
 */
function recordedSomething(result: FormattedExecutionResult): boolean {
  if ((recordedPosition.getStore()?.position ?? 0) > 0) return true;
  if (!result.errors?.length) return true;
  // `recorded: null`: it may have been (a store that stopped answering); freeing the key could
  // record it twice.
  const recorded = ({ extensions }: GraphQLFormattedError) =>
    extensions?.recorded === true || extensions?.recorded === null;
  if (result.errors.some(recorded)) return true;
  return Object.values(result.data ?? {}).some((value) => value !== null);
}

/**
 * A key store that cannot keep a key now (its file lost, locked past STORE_LOCK_WAIT_MS, the disk
 * full) refuses the request: nothing was run.
 */
async function claimOrRefuse(claim: () => Claim, lockWaitMs: number): Promise<Claim> {
  try {
    return await whileLocked(claim, lockWaitMs);
  } catch (error) {
    const unavailable = asUnavailable(error);
    if (!(unavailable instanceof StoreUnavailableError)) throw error;
    throw refuse('UNAVAILABLE', unavailable.publicMessage, {
      cause: unavailable.fault,
      recorded: false,
    });
  }
}

/**
 * `Idempotency-Key` on a mutation: the first request with a key runs; a retry with the same key
 * and the same request gets the first answer and records nothing (header `Idempotent-Replayed`);
 * the same key with another request is CONFLICT. A request that recorded nothing (refused, or an
 * error before any command) frees its key, so retrying it runs it again.
 */
export function idempotencyPlugin(
  keys: IdempotencyKeys,
  lockWaitMs: number,
): ApolloServerPlugin<RequestContext> {
  return {
    requestDidStart({ request }) {
      const key = request.http?.headers.get(IDEMPOTENCY_HEADER);
      if (key === undefined) return Promise.resolve();
      let claimed: { caller: string } | undefined;
      let replay: FormattedExecutionResult | undefined;
      return Promise.resolve({
        async didResolveOperation({ operation, contextValue, source }) {
          const actor = contextValue.actor;
          if (operation?.operation !== OperationTypeNode.MUTATION || !actor) return;
          if (!KEY_FORMAT.test(key)) {
            throw refuse(
              'INVALID_INPUT',
              'An Idempotency-Key is 1 to 255 printable ASCII characters (a UUID, say).',
            );
          }
          const caller = `${actor.tenantKind}:${actor.tenantId}:${actor.userId}`;
          const fingerprint = createHash('sha256')
            .update(
              // A retry may send its variables' keys in another order: the same request.
              canonicalJson([source, request.operationName ?? null, request.variables ?? {}]),
            )
            .digest('hex');
          const claim = await claimOrRefuse(
            () => keys.claim(caller, key, fingerprint, contextValue.correlationId),
            lockWaitMs,
          );
          switch (claim.kind) {
            case 'claimed':
              claimed = { caller };
              return;
            case 'answered':
              replay = claim.result;
              return;
            case 'other-request':
              throw refuse(
                'CONFLICT',
                'This Idempotency-Key was already used for another request; use a new key for a new request.',
              );
            case 'running':
              throw refuse(
                'CONFLICT',
                claim.interrupted
                  ? `The first request with this Idempotency-Key was interrupted; it may have been recorded: look for correlation id ${claim.correlationId} in the audit log before sending it again with a new key.`
                  : 'A request with this Idempotency-Key is still running; wait for its answer.',
                { correlationId: claim.correlationId },
              );
          }
        },
        responseForOperation({ response }) {
          if (!replay) return Promise.resolve(null);
          response.http.headers.set('idempotent-replayed', 'true');
          return Promise.resolve({
            http: response.http,
            body: { kind: 'single', singleResult: replay },
          });
        },
        async willSendResponse({ response }) {
          if (claimed && response.body.kind === 'single') {
            const result = response.body.singleResult;
            const { caller } = claimed;
            await whileLocked(
              () =>
                recordedSomething(result)
                  ? keys.answer(caller, key, result)
                  : keys.release(caller, key),
              lockWaitMs,
            );
          }
        },
      });
    },
  };
}
