import { createHash } from 'node:crypto';
import type { StreamParties } from '../../src/audit/domain/audit-visibility';
import type { RecordedEvent } from '../../src/platform/projection-engine/projection';
import { describeActor, summarise } from './audit-summaries';
import { tenantsOf } from './event-fields';

/** One row of `audit_log`, as the projection writes it and `audit verify` re-derives it. */
export interface AuditRow {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  occurred_at: string;
  actor_user_id: string;
  actor_name: string;
  actor_tenant_id: string;
  actor_tenant_kind: string;
  actor_tenant_name: string | null;
  /** JSON array. */
  actor_roles: string;
  partner_tenant_id: string | null;
  customer_tenant_id: string | null;
  correlation_id: string;
  /** The event's data as JSON text. */
  data: string;
  summary: string;
  /** sha256 of the previous entry's hash and this entry's content: the tamper-evident chain. */
  hash: string;
}

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
  const content = JSON.stringify([
    entry.position,
    entry.event_id,
    entry.stream_id,
    entry.revision,
    entry.type,
    entry.occurred_at,
    entry.actor_user_id,
    entry.actor_name,
    entry.actor_tenant_id,
    entry.actor_tenant_kind,
    entry.actor_tenant_name,
    entry.actor_roles,
    entry.partner_tenant_id,
    entry.customer_tenant_id,
    entry.correlation_id,
    entry.data,
    entry.summary,
  ]);
  return createHash('sha256').update(previousHash).update('\n').update(content).digest('hex');
}

export const AUDIT_COLUMNS: readonly (keyof AuditRow)[] = [
  'position',
  'event_id',
  'stream_id',
  'revision',
  'type',
  'occurred_at',
  'actor_user_id',
  'actor_name',
  'actor_tenant_id',
  'actor_tenant_kind',
  'actor_tenant_name',
  'actor_roles',
  'partner_tenant_id',
  'customer_tenant_id',
  'correlation_id',
  'data',
  'summary',
  'hash',
];
