import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { recordedPosition } from '../consistency/consistency-token';
import { RecordedButNotVisibleError, recordedNotReady } from '../graphql/command-gateway';
import type { Projector } from '../projection-engine/projector';

/**
 * An answer leaves only if every read model it read still serves: ReadSide.ready checked each
 * before its rows were read, but an in-place rebuild may empty one meanwhile (another thread
 * commits it), and a page read after that is half a page, or none, with no error. Such an answer
 * becomes NOT_READY; a mutation's says it was recorded, so its caller does not repeat it. Listed
 * before consistencyTokenPlugin, which marks a mutation's `recorded`.
 */
export function stillServingPlugin(projector: Pick<Projector, 'notServing'>): ApolloServerPlugin {
  return {
    requestDidStart() {
      return Promise.resolve({
        willSendResponse({ response }) {
          const request = recordedPosition.getStore();
          const read = request?.readModels;
          if (response.body.kind !== 'single' || !read?.size) return Promise.resolve();
          const stopped = projector.notServing([...read]);
          if (stopped.length === 0) return Promise.resolve();
          const reason = `A read model this answer read (${stopped.join(', ')}) stopped serving while it was read (a rebuild in place, or a failure); nothing of it is served.`;
          response.body.singleResult = {
            data: null,
            errors: [notServingError(reason, request?.position ?? 0)],
          };
          return Promise.resolve();
        },
      });
    },
  };
}

function notServingError(reason: string, recordedUpTo: number): GraphQLFormattedError {
  if (recordedUpTo === 0)
    return { message: `${reason} Try again in a moment.`, extensions: { code: 'NOT_READY' } };
  return {
    message: new RecordedButNotVisibleError(recordedUpTo, reason).message,
    extensions: recordedNotReady(recordedUpTo),
  };
}
