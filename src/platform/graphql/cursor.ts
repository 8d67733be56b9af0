import { invalidInput } from '../domain/domain-error';
import { quote } from '../domain/ids';

/** The lists that page with cursors: a cursor names its list, so another list refuses it. */
export type CursorList =
  | 'auditLog'
  | 'autopilotDevices'
  | 'autopilotProfiles'
  | 'azureSubscriptions'
  | 'customers'
  | 'customersAsOf'
  | 'delegatedAdminRelationships'
  | 'directoryRoleMembers'
  | 'invitations'
  | 'serviceRequests';

/** Opaque cursors: base64url JSON of the list and the row's sort key. */
export function encodeCursor(list: CursorList, key: unknown): string {
  return Buffer.from(JSON.stringify({ list, key })).toString('base64url');
}

/** The key of a cursor `list` gave out; INVALID_INPUT for any other text, another list's included. */
export function decodeCursor<Key>(
  list: CursorList,
  cursor: string | undefined | null,
  isKey: (value: unknown) => value is Key,
): Key | null {
  if (cursor == null) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const listed = value as { list?: unknown; key?: unknown } | null;
    if (typeof value === 'object' && listed?.list === list && isKey(listed.key)) return listed.key;
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
