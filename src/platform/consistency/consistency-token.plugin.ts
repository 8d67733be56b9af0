import type { ApolloServerPlugin } from '@apollo/server';
import {
  CONSISTENCY_TOKEN_EXTENSION,
  CONSISTENCY_TOKEN_HEADER,
  PREVIOUS_VERSIONS_EXTENSION,
  formatConsistencyToken,
  recordedPosition,
} from './consistency-token';

/**
 * Puts the consistency token of what the request recorded into its answer: the `Consistency-Token`
 * header and `extensions.consistencyToken`, also when the answer is NOT_READY (recorded, not yet
 * visible). An idempotent replay carries the token in the answer it replays; the header follows it.
 * Also names, in `extensions.previousVersions`, the read models the answer read as a previous
 * version left them. Listed before the idempotency plugin, so the answer it keeps holds both.
 */
export function consistencyTokenPlugin(): ApolloServerPlugin {
  return {
    requestDidStart() {
      return Promise.resolve({
        willSendResponse({ response }) {
          if (response.body.kind !== 'single') return Promise.resolve();
          const result = response.body.singleResult;
          const recorded = recordedPosition.getStore();
          const position = recorded?.position ?? 0;
          if (recorded?.previousVersions) {
            result.extensions = {
              ...result.extensions,
              [PREVIOUS_VERSIONS_EXTENSION]: [...recorded.previousVersions.values()],
            };
          }
          if (position > 0) {
            result.extensions = {
              ...result.extensions,
              [CONSISTENCY_TOKEN_EXTENSION]: formatConsistencyToken(position),
              // An answer with errors that recorded something says so: a refused field after a
              // recorded one nulls the whole `data` of a mutation.
              ...(result.errors?.length ? { recorded: true } : {}),
            };
          }
          const token = result.extensions?.[CONSISTENCY_TOKEN_EXTENSION];
          if (typeof token === 'string') response.http.headers.set(CONSISTENCY_TOKEN_HEADER, token);
          return Promise.resolve();
        },
      });
    },
  };
}
