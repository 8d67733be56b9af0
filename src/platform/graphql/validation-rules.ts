import {
  type ASTVisitor,
  type DirectiveNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  OperationTypeNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { type LimitSettings, operationLimitRules } from './operation-limits';

const CONDITIONAL = new Set(['skip', 'include']);

/** Why a conditional subscription root is refused, the same over HTTP and WebSocket. */
export const conditionalRootMessage = (directive: DirectiveNode) =>
  `A subscription's root field cannot be conditional: remove @${directive.name.value} there (it may be used inside the field's selection).`;

/**
 * The `@skip`/`@include` directives on a subscription's root fields, through inline fragments and
 * the fragments `fragmentOf` finds (each once).
 */
export function conditionalRootDirectives(
  selectionSet: SelectionSetNode,
  fragmentOf: (name: string) => FragmentDefinitionNode | undefined,
  seen = new Set<string>(),
): DirectiveNode[] {
  return selectionSet.selections.flatMap((selection) => {
    const conditional = selection.directives?.filter((d) => CONDITIONAL.has(d.name.value)) ?? [];
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      return [
        ...conditional,
        ...conditionalRootDirectives(selection.selectionSet, fragmentOf, seen),
      ];
    }
    if (selection.kind === Kind.FRAGMENT_SPREAD && !seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragmentOf(selection.name.value);
      if (fragment) {
        return [
          ...conditional,
          ...conditionalRootDirectives(fragment.selectionSet, fragmentOf, seen),
        ];
      }
    }
    return conditional;
  });
}

/**
 * A subscription's root field may not be skipped or included by a condition (`@skip`,
 * `@include`), as the GraphQL specification now says and graphql-js 17 checks: graphql-js 16
 * fails on such a subscription while subscribing (a TypeError over WebSocket, which closed the
 * socket with 4500; over HTTP an internal error), instead of refusing it as invalid.
 */
export function unconditionalSubscriptionRootRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      if (node.operation !== OperationTypeNode.SUBSCRIPTION) return false;
      const fragmentOf = (name: string) => context.getFragment(name) ?? undefined;
      for (const directive of conditionalRootDirectives(node.selectionSet, fragmentOf)) {
        context.reportError(
          new GraphQLError(conditionalRootMessage(directive), { nodes: directive }),
        );
      }
      return false;
    },
  };
}

/** The rules every operation is validated with beyond graphql-js's own, over HTTP and WebSocket. */
export const productValidationRules = (settings: LimitSettings): ValidationRule[] => [
  ...operationLimitRules(settings),
  unconditionalSubscriptionRootRule,
];
