import { compareText } from '../platform/common/compare-text';

/**
 * An aggregate's state as plain JSON: Sets become sorted arrays, Maps objects, Dates ISO strings,
 * and collections that say how they serialise (persistent maps, `toJSON`) what they say.
 */
export function toJsonState(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (hasToJson(value)) return toJsonState(value.toJSON());
  if (value instanceof Set) return [...value].map(toJsonState).sort(byJson);
  if (value instanceof Map) {
    return Object.fromEntries([...value].map(([key, entry]) => [String(key), toJsonState(entry)]));
  }
  if (Array.isArray(value)) return value.map(toJsonState);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [key, toJsonState(entry)]),
    );
  }
  return value;
}

function byJson(a: unknown, b: unknown): number {
  const left = JSON.stringify(a) ?? '';
  const right = JSON.stringify(b) ?? '';
  return compareText(left, right);
}

const hasToJson = (value: unknown): value is { toJSON(): unknown } =>
  typeof (value as { toJSON?: unknown } | null)?.toJSON === 'function';
