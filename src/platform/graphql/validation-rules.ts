import {
  type ASTVisitor,
  GraphQLError,
  Kind,
  OperationTypeNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { type LimitSettings, operationLimitRules } from './operation-limits';

const CONDITIONAL = new Set(['skip', 'include']);

/**
 * A subscription's root field may not be skipped or included by a condition (`@skip`,
 * `@include`), as the GraphQL specification now says and graphql-js 17 checks: graphql-js 16
 * fails on such a subscription while subscribing (a TypeError over WebSocket, which closed the
 * socket with 4500; over HTTP an internal error), instead of refusing it as invalid.
 */
export function unconditionalSubscriptionRootRule(context: ValidationContext): ASTVisitor {
  const reportIn = (selectionSet: SelectionSetNode, seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      const conditional = selection.directives?.find((d) => CONDITIONAL.has(d.name.value));
      if (conditional) {
        context.reportError(
          new GraphQLError(
            `A subscription's root field cannot be conditional: remove @${conditional.name.value} there (it may be used inside the field's selection).`,
            { nodes: conditional },
          ),
        );
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) reportIn(selection.selectionSet, seen);
      if (selection.kind === Kind.FRAGMENT_SPREAD && !seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = context.getFragment(selection.name.value);
        if (fragment) reportIn(fragment.selectionSet, seen);
      }
    }
  };
  return {
    OperationDefinition(node) {
      if (node.operation === OperationTypeNode.SUBSCRIPTION) reportIn(node.selectionSet, new Set());
      return false;
    },
  };
}

/** The rules every operation is validated with beyond graphql-js's own, over HTTP and WebSocket. */
export const productValidationRules = (settings: LimitSettings): ValidationRule[] => [
  ...operationLimitRules(settings),
  unconditionalSubscriptionRootRule,
];
