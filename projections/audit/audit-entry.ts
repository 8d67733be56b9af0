import type { StreamParties } from '../../src/audit/domain/audit-visibility';
import type { RecordedEvent } from '../../src/platform/projection-engine/projection';
import { describeActor, summarise } from './audit-summaries';
import { type AuditRow, chainHash, dataText } from './audit-columns';
import { tenantsOf } from './event-fields';

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

/**
 * The row for `event`, chained to `previousHash`; names must already include the event's own. The
 * row references the event (stream, revision, position); the hash covers its data too.
 */
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
  const stored: Omit<AuditRow, 'hash'> = {
    position: event.position,
    occurred_at: occurredAt,
    type: event.type,
    stream_id: event.streamId,
    event_id: event.id,
    revision: event.revision,
    actor_user_id: actor.userId,
    actor_name: actor.name,
    actor_tenant_id: actor.tenantId,
    actor_tenant_kind: actor.tenantKind,
    actor_tenant_name: actor.tenantName ?? null,
    actor_roles: JSON.stringify(actor.roles),
    partner_tenant_id: parties.partnerTenantId,
    customer_tenant_id: parties.customerTenantId,
    correlation_id: correlationId,
    summary,
  };
  return { ...stored, hash: chainHash(previousHash, { ...stored, data: dataText(event.data) }) };
}
