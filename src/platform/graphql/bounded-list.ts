import { GraphQLError } from 'graphql';

/**
 * A list field that is not paged answers at most `maxItems` items (GRAPHQL_MAX_LIST_ITEMS). It
 * reads one more than that (`read(limit)`), so a longer list is found without reading it whole,
 * and refused (RESPONSE_TOO_LARGE) naming the paged field to use instead.
 */
export function boundedList<T>(
  maxItems: number,
  read: (limit: number) => readonly T[],
  field: string,
  pagedField: string,
): readonly T[] {
  const rows = read(maxItems + 1);
  if (rows.length <= maxItems) return rows;
  throw tooManyAnswers(
    `${field} reads at most ${maxItems} items (GRAPHQL_MAX_LIST_ITEMS) and this list has more: page through ${pagedField} instead.`,
    maxItems,
    pagedField,
  );
}

/** The refusal of an answer longer than GRAPHQL_MAX_LIST_ITEMS, naming the field to use instead. */
export const tooManyAnswers = (message: string, maxItems: number, use: string) =>
  new GraphQLError(message, { extensions: { code: 'RESPONSE_TOO_LARGE', maxItems, use } });
