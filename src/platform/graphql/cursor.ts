import { invalidInput } from '../domain/domain-error';
import { quote } from '../domain/ids';

/** Opaque cursors: base64url JSON of the row's sort key. */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<Key>(
  cursor: string | undefined | null,
  isKey: (value: unknown) => value is Key,
): Key | null {
  if (cursor == null) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isKey(value)) return value;
  } catch {
    // fall through to the error below
  }
  throw invalidInput(`${quote(cursor)} is not a cursor this list gave out.`);
}

export function pageSize(
  first: number | undefined | null,
  defaultSize: number,
  max: number,
): number {
  const size = first ?? defaultSize;
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw invalidInput(`first must be between 1 and ${max}.`);
  }
  return size;
}

/** A cursor key's guard for a key whose `fields` are all text (a name and an id, say). */
export const isTextKey =
  <Field extends string>(...fields: Field[]) =>
  (value: unknown): value is Record<Field, string> =>
    typeof value === 'object' &&
    value !== null &&
    fields.every((field) => typeof (value as Record<string, unknown>)[field] === 'string');
