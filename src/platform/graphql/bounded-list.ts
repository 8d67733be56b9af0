import { GraphQLError } from 'graphql';

/**
 * The rows to read for a list that is not paged: one more than it answers
 * (GRAPHQL_MAX_LIST_ITEMS), so a longer list is found without reading it whole.
 */
export const rowsToRead = (maxItems: number): number => maxItems + 1;

/**
 * A list field that is not paged answers at most `maxItems` items; read with `rowsToRead`, a
 * list that had more is refused (RESPONSE_TOO_LARGE) naming the paged field to use instead.
 */
export function boundedList<T>(
  rows: readonly T[],
  maxItems: number,
  field: string,
  pagedField: string,
): readonly T[] {
  if (rows.length <= maxItems) return rows;
  throw new GraphQLError(
    `${field} reads at most ${maxItems} items (GRAPHQL_MAX_LIST_ITEMS) and this list has more: page through ${pagedField} instead.`,
    { extensions: { code: 'RESPONSE_TOO_LARGE', maxItems, use: pagedField } },
  );
}
