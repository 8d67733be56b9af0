import { hash } from 'node:crypto';
import type { AuditRecord } from '../../src/audit/audit-record';

/** Where AuditRecord (the API and the NDJSON archive) keeps a field: `actor.userId` is nested. */
export type RecordPath =
  Exclude<keyof AuditRecord, 'actor'> | `actor.${Extract<keyof AuditRecord['actor'], string>}`;

interface FieldSpec {
  /** The column's name in `audit_log`. */
  readonly name: string;
  /** Its SQL type; `null`: not stored, read from the event the entry references. */
  readonly sql: string | null;
  /** Where AuditRecord keeps it; the CSV column is this path in camelCase (`actorUserId`). */
  readonly field: RecordPath;
  /** Kept as JSON text: AuditRecord holds it parsed; `words`: CSV writes the array space-separated. */
  readonly json?: 'value' | 'words';
}

/**
 * An audit entry's fields, declared once: the table's DDL and insert, the row type, the hash
 * chain's order, the API and NDJSON mapping (`auditRecordOf`) and the CSV columns all derive from
 * this list. The entry references its event (stream, revision, position) instead of copying the
 * event's data: `data` is read from the event store, and the hash still covers it. The hash covers
 * every field but itself, in this order: reordering or renaming one changes every hash (bump the
 * projection's version, so the log is rebuilt).
 */
export const AUDIT_FIELDS = [
  { name: 'position', sql: 'INTEGER PRIMARY KEY', field: 'position' },
  { name: 'occurred_at', sql: 'TEXT NOT NULL', field: 'occurredAt' },
  { name: 'type', sql: 'TEXT NOT NULL', field: 'type' },
  { name: 'stream_id', sql: 'TEXT NOT NULL', field: 'streamId' },
  { name: 'event_id', sql: 'TEXT NOT NULL', field: 'eventId' },
  { name: 'revision', sql: 'INTEGER NOT NULL', field: 'revision' },
  { name: 'actor_user_id', sql: 'TEXT NOT NULL', field: 'actor.userId' },
  { name: 'actor_name', sql: 'TEXT NOT NULL', field: 'actor.name' },
  { name: 'actor_tenant_id', sql: 'TEXT NOT NULL', field: 'actor.tenantId' },
  { name: 'actor_tenant_kind', sql: 'TEXT NOT NULL', field: 'actor.tenantKind' },
  { name: 'actor_tenant_name', sql: 'TEXT', field: 'actor.tenantName' },
  { name: 'actor_roles', sql: 'TEXT NOT NULL', field: 'actor.roles', json: 'words' },
  { name: 'partner_tenant_id', sql: 'TEXT', field: 'partnerTenantId' },
  { name: 'customer_tenant_id', sql: 'TEXT', field: 'customerTenantId' },
  { name: 'correlation_id', sql: 'TEXT NOT NULL', field: 'correlationId' },
  { name: 'summary', sql: 'TEXT NOT NULL', field: 'summary' },
  /** The event's data as stored (JSON text), read from the event store. */
  { name: 'data', sql: null, field: 'data', json: 'value' },
  /** sha256 of the previous entry's hash and every field above: the tamper-evident chain. */
  { name: 'hash', sql: 'TEXT NOT NULL', field: 'hash' },
] as const satisfies readonly FieldSpec[];

export type AuditField = (typeof AUDIT_FIELDS)[number];
type ValueOf<Sql> = Sql extends `INTEGER${string}`
  ? number
  : Sql extends `${string}NOT NULL`
    ? string
    : Sql extends null
      ? string
      : string | null;

/** Every AuditRecord field has its declaration above (checked at compile time). */
type Undeclared = Exclude<RecordPath, AuditField['field']>;
const everyFieldDeclared: [Undeclared] extends [never] ? true : Undeclared = true;
void everyFieldDeclared;

/** Every field of an entry as text or number: the stored columns and the event's data (JSON). */
export type AuditFields = { [F in AuditField as F['name']]: ValueOf<F['sql']> };

type StoredField = Extract<AuditField, { sql: string }>;
export type StoredColumn = StoredField['name'];

/** One row of `audit_log`, as the projection writes it and `audit verify` re-derives it. */
export type AuditRow = Pick<AuditFields, StoredColumn>;

export const STORED_COLUMNS = AUDIT_FIELDS.filter(
  (field): field is StoredField => field.sql !== null,
).map((field) => field.name);

export const AUDIT_LOG_DDL = `CREATE TABLE IF NOT EXISTS audit_log (
  ${AUDIT_FIELDS.flatMap(({ name, sql }) => (sql === null ? [] : [`${name} ${sql}`])).join(',\n  ')}
)`;

/** Its values are `storedValues(row)`, in STORED_COLUMNS' order (bound by position). */
export const AUDIT_LOG_INSERT = `INSERT INTO audit_log (${STORED_COLUMNS.join(', ')})
  VALUES (${STORED_COLUMNS.map(() => '?').join(', ')})`;

/** The row's values in STORED_COLUMNS' order, for AUDIT_LOG_INSERT. */
export const storedValues = (row: AuditRow): unknown[] => STORED_COLUMNS.map((name) => row[name]);

/** The fields the chain hashes, in their declared order (all but the hash). */
const HASHED = AUDIT_FIELDS.map((field) => field.name).filter((name) => name !== 'hash');

/** The chain's start: the hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The hash of a row about to be stored and its event's data (`dataText`): sha256 of the previous
 * hash and every field but the hash, in their declared order, without a copy of the row.
 */
export function rowHash(previousHash: string, row: Omit<AuditRow, 'hash'>, data: string): string {
  const values = HASHED.map((name) => (name === 'data' ? data : row[name]));
  // One-shot: no Hash object per entry (the bytes hashed are the same as updating it piecewise).
  return hash('sha256', `${previousHash}\n${JSON.stringify(values)}`, 'hex');
}

/** The entry's hash: the previous one and every field but the hash, in their declared order. */
export const chainHash = (previousHash: string, entry: Omit<AuditFields, 'hash'>): string =>
  rowHash(previousHash, entry, entry.data);

/** The event's data as the entry's `data` field spells it (and the hash covers). */
export const dataText = (data: unknown): string => JSON.stringify(data ?? null);
