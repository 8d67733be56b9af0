import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, OperationTypeNode } from 'graphql';

export const SUBSCRIPTIONS_OVER_HTTP =
  'Subscriptions are served over graphql-ws (the graphql-transport-ws protocol) on /graphql, not over HTTP.';

/** A subscription sent as an HTTP request is the client's mistake (400), not a server fault. */
export const subscriptionsOverHttpPlugin: ApolloServerPlugin = {
  requestDidStart: () =>
    Promise.resolve({
      didResolveOperation: ({ operation }) => {
        if (operation?.operation === OperationTypeNode.SUBSCRIPTION) {
          throw new GraphQLError(SUBSCRIPTIONS_OVER_HTTP, {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
        return Promise.resolve();
      },
    }),
};
