import { createHash } from 'node:crypto';
import type { StreamParties } from '../../src/audit/domain/audit-visibility';
import type { RecordedEvent } from '../../src/platform/projection-engine/projection';
import { describeActor, summarise } from './audit-summaries';
import { tenantsOf } from './event-fields';

/**
 * The columns of `audit_log`, declared once: the table's DDL, the insert, the row type and the
 * hash chain's order all derive from this list. The hash covers every column but `hash`, in this
 * order: reordering or renaming one breaks every existing seal's verification.
 */
const AUDIT_LOG = [
  ['position', 'INTEGER PRIMARY KEY'],
  ['event_id', 'TEXT NOT NULL'],
  ['stream_id', 'TEXT NOT NULL'],
  ['revision', 'INTEGER NOT NULL'],
  ['type', 'TEXT NOT NULL'],
  ['occurred_at', 'TEXT NOT NULL'],
  ['actor_user_id', 'TEXT NOT NULL'],
  ['actor_name', 'TEXT NOT NULL'],
  ['actor_tenant_id', 'TEXT NOT NULL'],
  ['actor_tenant_kind', 'TEXT NOT NULL'],
  ['actor_tenant_name', 'TEXT'],
  /** JSON array. */
  ['actor_roles', 'TEXT NOT NULL'],
  ['partner_tenant_id', 'TEXT'],
  ['customer_tenant_id', 'TEXT'],
  ['correlation_id', 'TEXT NOT NULL'],
  /** The event's data as stored, as JSON text. */
  ['data', 'TEXT NOT NULL'],
  ['summary', 'TEXT NOT NULL'],
  /** sha256 of the previous entry's hash and this entry's content: the tamper-evident chain. */
  ['hash', 'TEXT NOT NULL'],
] as const;

type Column = (typeof AUDIT_LOG)[number];
type ValueOf<Sql extends string> = Sql extends `INTEGER${string}`
  ? number
  : Sql extends `${string}NOT NULL`
    ? string
    : string | null;

/** One row of `audit_log`, as the projection writes it and `audit verify` re-derives it. */
export type AuditRow = { [C in Column as C[0]]: ValueOf<C[1]> };

export const AUDIT_COLUMNS: readonly (keyof AuditRow)[] = AUDIT_LOG.map(([name]) => name);

/** The columns the chain hashes, in their declared order (all but the hash). */
const HASHED_COLUMNS = AUDIT_COLUMNS.filter((column) => column !== 'hash');

export const AUDIT_LOG_DDL = `CREATE TABLE IF NOT EXISTS audit_log (
  ${AUDIT_LOG.map(([name, sql]) => `${name} ${sql}`).join(',\n  ')}
)`;

export const AUDIT_LOG_INSERT = `INSERT INTO audit_log (${AUDIT_COLUMNS.join(', ')})
  VALUES (${AUDIT_COLUMNS.map((column) => `@${column}`).join(', ')})`;

/** The chain's start: the hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** A tenant's name as learnt from earlier events, or null. */
export type TenantNameLookup = (tenantId: string) => string | null;

/**
 * Whose behalf an event was on: the tenants its data names, else the acting user's own tenant
 * (a partner always acts for itself, a customer in its own tenant).
 */
export function partiesOf(event: RecordedEvent): StreamParties {
  const named = tenantsOf(event);
  const { actor } = event.metadata;
  return {
    partnerTenantId:
      named.partnerTenantId ?? (actor.tenantKind === 'partner' ? actor.tenantId : null),
    customerTenantId:
      named.customerTenantId ?? (actor.tenantKind === 'customer' ? actor.tenantId : null),
  };
}

interface NameFields {
  partnerTenantId?: unknown;
  partnerName?: unknown;
  customerTenantId?: unknown;
  customerName?: unknown;
  customer?: { tenantId?: unknown; name?: unknown };
}

const pair = (id: unknown, name: unknown): [string, string][] =>
  typeof id === 'string' && typeof name === 'string' && id && name ? [[id, name]] : [];

/** The tenant names an event teaches: from its actor's token and the names its data carries. */
export function tenantNamesIn(event: RecordedEvent): [tenantId: string, name: string][] {
  const data = (event.data ?? {}) as NameFields;
  const { actor } = event.metadata;
  return [
    ...pair(actor.tenantId, actor.tenantName),
    ...pair(data.partnerTenantId, data.partnerName),
    ...pair(data.customer?.tenantId, data.customer?.name),
    ...pair(data.customerTenantId, data.customerName),
  ];
}

/** The entry for `event`, chained to `previousHash`; names must already include the event's own. */
export function auditEntryOf(
  event: RecordedEvent,
  nameOf: TenantNameLookup,
  previousHash: string,
): AuditRow {
  const { actor, occurredAt, correlationId } = event.metadata;
  const parties = partiesOf(event);
  const tenant = (tenantId: string | null) => (tenantId ? (nameOf(tenantId) ?? tenantId) : null);
  const summary = summarise(event.type, describeActor(actor, tenant(actor.tenantId)), {
    data: (event.data ?? {}) as Record<string, unknown>,
    actor,
    partner: tenant(parties.partnerTenantId),
    customer: tenant(parties.customerTenantId),
    tenant,
  });
  const content: Omit<AuditRow, 'hash'> = {
    position: event.position,
    event_id: event.id,
    stream_id: event.streamId,
    revision: event.revision,
    type: event.type,
    occurred_at: occurredAt,
    actor_user_id: actor.userId,
    actor_name: actor.name,
    actor_tenant_id: actor.tenantId,
    actor_tenant_kind: actor.tenantKind,
    actor_tenant_name: actor.tenantName ?? null,
    actor_roles: JSON.stringify(actor.roles),
    partner_tenant_id: parties.partnerTenantId,
    customer_tenant_id: parties.customerTenantId,
    correlation_id: correlationId,
    data: JSON.stringify(event.data ?? null),
    summary,
  };
  return { ...content, hash: chainHash(previousHash, content) };
}

/** Every stored column but the hash, in a fixed order, so the chain does not depend on key order. */
export function chainHash(previousHash: string, entry: Omit<AuditRow, 'hash'>): string {
  const content = JSON.stringify(HASHED_COLUMNS.map((column) => entry[column]));
  return createHash('sha256').update(previousHash).update('\n').update(content).digest('hex');
}
