import { DateTimeScalar } from '../../src/platform/graphql/date-time.scalar';

/**
 * A value (GraphQL nodes, a GDAP pair summary) with every `…DateTime` field as GraphQL serves it,
 * through the DateTime scalar: a Date and the text toISOString writes for it read the same.
 */
export const served = (value: unknown, key = ''): unknown => {
  if (key.endsWith('DateTime')) return DateTimeScalar.serialize(value);
  if (Array.isArray(value)) return value.map((item) => served(item));
  if (value instanceof Map) return new Map([...value].map(([name, item]) => [name, served(item)]));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, field]) => [name, served(field, name)]),
  );
};
