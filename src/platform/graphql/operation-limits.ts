import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  type DocumentNode,
  getNamedType,
  getNullableType,
  GraphQLError,
  type GraphQLSchema,
  isLeafType,
  isListType,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { type ComplexityEstimatorArgs, getComplexity } from 'graphql-query-complexity';
import type { Settings } from '../config/settings';
import type { RequestContext } from './request-context';

export type LimitSettings = Pick<
  Settings,
  | 'GRAPHQL_MAX_DEPTH'
  | 'GRAPHQL_MAX_ALIASES'
  | 'GRAPHQL_MAX_DIRECTIVES'
  | 'GRAPHQL_MAX_TOKENS'
  | 'GRAPHQL_MAX_FIELDS'
  | 'GRAPHQL_MAX_COST'
  | 'GRAPHQL_MAX_DATA_SIZED_FIELDS'
>;

/** An operation over one of the limits: refused before it runs, naming the limit's setting. */
export class OperationLimitError extends GraphQLError {
  constructor(setting: keyof LimitSettings, what: string, found: number, max: number) {
    super(
      `The operation ${what} ${found}; the limit is ${max} (${setting}). Nothing was run: ask for less, or in several requests.`,
      {
        extensions: {
          code: 'OPERATION_LIMIT_EXCEEDED',
          limit: setting,
          max,
          found,
          http: { status: 400 },
        },
      },
    );
  }
}

/** How many items a list without `first` is taken to hold when an operation is costed. */
export const ASSUMED_LIST_SIZE = 5;
/** The page size of a connection when `first` is not given (customers, auditLog). */
const DEFAULT_PAGE_SIZE = 50;

/** armor's rules report "… found N."; the same refusal is reported with our code and setting. */
type ArmorRule = (options: {
  n: number;
  allowList?: string[];
  flattenFragments?: boolean;
  propagateOnRejection: boolean;
  onReject: ((context: ValidationContext | null, error: GraphQLError) => void)[];
}) => ValidationRule;

function armorRule(
  rule: ArmorRule,
  setting: keyof LimitSettings,
  what: string,
  max: number,
  options: { allowList?: string[]; flattenFragments?: boolean } = {},
): ValidationRule {
  return rule({
    n: max,
    ...options,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const found = Number(/found (\d+)/.exec(error.message)?.[1] ?? max + 1);
        context?.reportError(new OperationLimitError(setting, what, found, max));
      },
    ],
  });
}

/** Depth, aliases and directives, checked while the document is validated (OWASP's GraphQL list). */
export function operationLimitRules(settings: LimitSettings): ValidationRule[] {
  return [
    armorRule(
      maxDepthRule,
      'GRAPHQL_MAX_DEPTH',
      'is nested this deep:',
      settings.GRAPHQL_MAX_DEPTH,
      // Fields nest, fragments do not: code generators compose fragments around shallow selections.
      { flattenFragments: true },
    ),
    armorRule(
      maxAliasesRule,
      'GRAPHQL_MAX_ALIASES',
      'uses this many aliases:',
      settings.GRAPHQL_MAX_ALIASES,
      // armor lets `__typename` through by default, as an alias too: `__typename: customers`.
      { allowList: [] },
    ),
    armorRule(
      maxDirectivesRule,
      'GRAPHQL_MAX_DIRECTIVES',
      'uses this many directives:',
      settings.GRAPHQL_MAX_DIRECTIVES,
    ),
  ];
}

/**
 * A field costs 1 plus what it selects; a paged field (`first`) multiplies what it selects by
 * `first`, and any other list of objects by ASSUMED_LIST_SIZE, so nested lists multiply through.
 * Introspection's own fields are not multiplied (its size is the schema's, not the data's).
 */
const listCost = ({ type, field, args, childComplexity }: ComplexityEstimatorArgs) => {
  // A connection's `nodes` and `edges` hold the page its `first` already counted.
  if (field.name.startsWith('__') || type.name.endsWith('Connection')) return 1 + childComplexity;
  if ('first' in args || field.args.some((arg) => arg.name === 'first')) {
    const first = typeof args.first === 'number' && args.first > 0 ? args.first : DEFAULT_PAGE_SIZE;
    return 1 + first * childComplexity;
  }
  const returned = getNullableType(field.type);
  if (isListType(returned) && !isLeafType(getNamedType(returned))) {
    return 1 + ASSUMED_LIST_SIZE * childComplexity;
  }
  return 1 + childComplexity;
};

/**
 * Fields whose answers grow with the data rather than with a `first`: a subscription's role
 * assignments times its actions, a stream's events, a customer's partners. Each is bounded on its
 * own (GRAPHQL_MAX_RESPONSE_BYTES, GRAPHQL_MAX_LIST_ITEMS), but aliases would multiply that work.
 */
const DATA_SIZED_FIELDS = new Set(['history', 'effectiveAccess', 'partnerRelationships']);

/**
 * Total fields and cost need the request's variables (`first: $n`), so they are checked once the
 * operation is resolved, before anything executes: on every request, cached document or not.
 */
export function checkOperationSize(
  settings: LimitSettings,
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
): { dataSizedFields: number } {
  // One walk of the operation: every field visited adds 1 to its fields and, if it is a root
  // field whose answer grows with the data, to those; the estimator's result is its cost.
  const query = schema.getQueryType();
  let fields = 0;
  let dataSized = 0;
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      variables,
      operationName,
      estimators: [
        (args) => {
          fields += 1;
          if (args.type === query && DATA_SIZED_FIELDS.has(args.field.name)) dataSized += 1;
          return listCost(args);
        },
      ],
    });
  } catch {
    // Variables that do not fit the operation: execution refuses them with INVALID_INPUT.
    return { dataSizedFields: 0 };
  }
  if (fields > settings.GRAPHQL_MAX_FIELDS) {
    throw new OperationLimitError(
      'GRAPHQL_MAX_FIELDS',
      'selects this many fields:',
      fields,
      settings.GRAPHQL_MAX_FIELDS,
    );
  }
  if (dataSized > settings.GRAPHQL_MAX_DATA_SIZED_FIELDS) {
    throw new OperationLimitError(
      'GRAPHQL_MAX_DATA_SIZED_FIELDS',
      `asks this many times for ${[...DATA_SIZED_FIELDS].join(', ')} (answers that grow with the data):`,
      dataSized,
      settings.GRAPHQL_MAX_DATA_SIZED_FIELDS,
    );
  }
  if (cost > settings.GRAPHQL_MAX_COST) {
    throw new OperationLimitError(
      'GRAPHQL_MAX_COST',
      'would cost',
      cost,
      settings.GRAPHQL_MAX_COST,
    );
  }
  return { dataSizedFields: dataSized };
}

/**
 * Checks fields and cost of every HTTP operation before it executes, and tells its context how
 * many data-sized fields share the answer's bytes.
 */
export function operationSizePlugin(settings: LimitSettings): ApolloServerPlugin<RequestContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ schema, document, request, operationName, contextValue }) => {
          const { dataSizedFields } = checkOperationSize(
            settings,
            schema,
            document,
            request.variables,
            operationName ?? undefined,
          );
          contextValue.dataSizedFields = dataSizedFields;
          return Promise.resolve();
        },
      }),
  };
}
