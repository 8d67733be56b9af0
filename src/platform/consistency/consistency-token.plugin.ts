import type { ApolloServerPlugin } from '@apollo/server';
import {
  CONSISTENCY_TOKEN_EXTENSION,
  CONSISTENCY_TOKEN_HEADER,
  formatConsistencyToken,
  recordedPosition,
} from './consistency-token';

/**
 * Puts the consistency token of what the request recorded into its answer: the `Consistency-Token`
 * header and `extensions.consistencyToken`, also when the answer is NOT_READY (recorded, not yet
 * visible). An idempotent replay carries the token in the answer it replays; the header follows it.
 * Listed before the idempotency plugin, so the answer it keeps holds the token.
 */
export function consistencyTokenPlugin(): ApolloServerPlugin {
  return {
    requestDidStart() {
      return Promise.resolve({
        willSendResponse({ response }) {
          if (response.body.kind !== 'single') return Promise.resolve();
          const result = response.body.singleResult;
          const position = recordedPosition.getStore()?.position ?? 0;
          if (position > 0) {
            result.extensions = {
              ...result.extensions,
              [CONSISTENCY_TOKEN_EXTENSION]: formatConsistencyToken(position),
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
