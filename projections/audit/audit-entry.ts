import type { StreamParties } from '../../src/audit/domain/audit-visibility';
import type { RecordedEvent } from '../../src/platform/projection-engine/projection';
import { describeActor, summarise } from './audit-summaries';
import { type AuditRow, dataText, rowHash } from './audit-columns';
import { tenantsOf } from './event-fields';
import { thingNamesOf, visitThingNames } from './named-things';

/** A tenant's (or another thing's, named-things.ts) name as learnt from earlier events, or null. */
export type TenantNameLookup = (tenantId: string) => string | null;

/**
 * Whose behalf an event was on: the tenants its data names, else the acting user's own tenant
 * (a partner always acts for itself, a customer in its own tenant). An event whose metadata cannot
 * be read (`malformedMetadata`) has no actor: only the tenants its data names.
 */
export function partiesOf(event: RecordedEvent): StreamParties {
  const named = tenantsOf(event);
  if (event.malformedMetadata) return named;
  const { actor } = event.metadata;
  return {
    partnerTenantId:
      named.partnerTenantId ?? (actor.tenantKind === 'partner' ? actor.tenantId : null),
    customerTenantId:
      named.customerTenantId ?? (actor.tenantKind === 'customer' ? actor.tenantId : null),
  };
}

interface NameFields {
  invitationId?: unknown;
  partnerTenantId?: unknown;
  partnerName?: unknown;
  customerTenantId?: unknown;
  customerName?: unknown;
  customer?: { tenantId?: unknown; name?: unknown };
}

type NameVisitor = (tenantId: string, name: string) => void;

const visitPair = (id: unknown, name: unknown, visit: NameVisitor): void => {
  if (typeof id === 'string' && typeof name === 'string' && id && name) visit(id, name);
};

/**
 * The events by which a customer lets a partner in (R5, R62): from then on each may be named to the
 * other (R17). Before, an entry names the other tenant by the id given, not by a name the log learnt
 * from that tenant's own tokens.
 */
const INTRODUCING: ReadonlySet<string> = new Set([
  'InvitationAccepted',
  'RelationshipEstablished',
  'DelegatedAdminRelationshipApproved',
]);

/** Kept beside the names: a tenant id holds no ':' or space, so no key of one is a tenant id. */
const introductionKey = (partnerTenantId: string, customerTenantId: string) =>
  `introduced:${partnerTenantId} ${customerTenantId}`;

/**
 * The events of an invitation that name no customer: they concern the customer its creation was
 * addressed to (R42: that customer's Global admin reads what became of the invitation to it).
 */
const FOLLOWING_AN_INVITATION: ReadonlySet<string> = new Set([
  'InvitationEmailEdited',
  'InvitationCancelled',
]);

/** Kept beside the names, as introductions are: the customer an invitation is addressed to. */
const addresseeKey = (invitationId: string) => `invitation:${invitationId}`;

/** The customer an invitation event concerns when its data names none (FOLLOWING_AN_INVITATION). */
function addresseeOf(event: RecordedEvent, nameOf: TenantNameLookup): string | null {
  if (!FOLLOWING_AN_INVITATION.has(event.type)) return null;
  const invitationId = (event.data as { invitationId?: unknown } | null)?.invitationId;
  return typeof invitationId === 'string' ? nameOf(addresseeKey(invitationId)) : null;
}

/**
 * Calls `visit` with each name an event teaches, in order: a tenant's from its actor's token, then
 * the tenants' names its data carries, then the names it gives other things (named-things.ts: keyed
 * so that no key of one is a tenant id), then the introduction of the pair it records, if it does,
 * or the customer an invitation it creates is addressed to. No array per event: a replay learns
 * names from every event.
 */
export function visitTenantNames(event: RecordedEvent, visit: NameVisitor): void {
  const data = (event.data ?? {}) as NameFields;
  const { actor } = event.metadata;
  visitPair(actor.tenantId, actor.tenantName, visit);
  visitPair(data.partnerTenantId, data.partnerName, visit);
  visitPair(data.customer?.tenantId, data.customer?.name, visit);
  visitPair(data.customerTenantId, data.customerName, visit);
  visitThingNames(event.data ?? {}, visit);
  if (INTRODUCING.has(event.type)) {
    const { partnerTenantId, customerTenantId } = tenantsOf(event);
    if (partnerTenantId && customerTenantId) {
      visit(introductionKey(partnerTenantId, customerTenantId), 'yes');
    }
  }
  if (event.type === 'InvitationCreated' && typeof data.invitationId === 'string') {
    const { customerTenantId } = tenantsOf(event);
    if (customerTenantId) visit(addresseeKey(data.invitationId), customerTenantId);
  }
}

/**
 * R17: whether an entry by `actor`, about `parties`, may name `tenantId` by its learnt name: its
 * own tenant, or one introduced to it; an entry the product made (the Operator, the scheduler)
 * names the two parties once they were introduced.
 */
function mayName(
  tenantId: string,
  actor: RecordedEvent['metadata']['actor'],
  parties: StreamParties,
  nameOf: TenantNameLookup,
): boolean {
  const introduced = (partner: string | null, customer: string | null) =>
    partner !== null && customer !== null && nameOf(introductionKey(partner, customer)) !== null;
  switch (actor.tenantKind) {
    case 'partner':
      return tenantId === actor.tenantId || introduced(actor.tenantId, tenantId);
    case 'customer':
      return tenantId === actor.tenantId || introduced(tenantId, actor.tenantId);
    default:
      return (
        (tenantId === parties.partnerTenantId || tenantId === parties.customerTenantId) &&
        introduced(parties.partnerTenantId, parties.customerTenantId)
      );
  }
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
  const named = partiesOf(event);
  const parties = {
    ...named,
    customerTenantId: named.customerTenantId ?? addresseeOf(event, nameOf),
  };
  const tenant = (tenantId: string | null) =>
    tenantId && mayName(tenantId, actor, parties, nameOf)
      ? (nameOf(tenantId) ?? tenantId)
      : tenantId;
  const data = (event.data ?? {}) as Record<string, unknown>;
  const summary = summarise(event.type, describeActor(actor, tenant(actor.tenantId)), {
    data,
    actor,
    partner: tenant(parties.partnerTenantId),
    customer: tenant(parties.customerTenantId),
    tenant,
    named: thingNamesOf(data, nameOf),
  });
  const row: AuditRow = {
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
    hash: '',
  };
  row.hash = rowHash(previousHash, row, dataText(event.data));
  return row;
}
