import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type OperationDefinitionNode, OperationTypeNode } from 'graphql';
import { notReady, type Readiness } from './readiness';

/** Introspection answers from the schema alone, so a GraphQL IDE works while the server catches up. */
const onlyIntrospects = (operation: OperationDefinitionNode): boolean =>
  operation.selectionSet.selections.every(
    (selection) => selection.kind === Kind.FIELD && selection.name.value.startsWith('__'),
  );

/**
 * Until the server is ready, an operation waits up to `waitMs` and is then refused with NOT_READY
 * before anything runs (a mutation is not recorded).
 */
export function readinessGate(readiness: Readiness, waitMs: number): ApolloServerPlugin {
  return {
    requestDidStart() {
      if (readiness.ready) return Promise.resolve();
      return Promise.resolve({
        async didResolveOperation({ operation }) {
          if (!operation || onlyIntrospects(operation) || (await readiness.whenReady(waitMs)))
            return;
          const mutation = operation.operation === OperationTypeNode.MUTATION;
          throw notReady(
            'The server is starting: its read models are still catching up with the event store; try again in a moment.' +
              (mutation ? ' Nothing was recorded.' : ''),
            mutation ? false : undefined,
          );
        },
      });
    },
  };
}
