import {
  type Actor,
  isCustomerGlobalAdmin,
  isOperator,
  isPartnerUser,
} from '../../platform/domain/actor';
import { forbidden } from '../../platform/domain/domain-error';
import {
  AUTOPILOT_CATEGORY,
  SUBSCRIPTION_CATEGORY,
  streamCategory,
} from '../../platform/domain/streams';

/** Which audit entries a caller may read (R42), in a form both SQL and memory can apply. */
export type AuditScope =
  | { kind: 'everything' }
  /** A customer Global admin: everything that happened in its tenant, by anyone. */
  | { kind: 'customer'; customerTenantId: string }
  /** A partner user: what its own tenant's users caused. */
  | { kind: 'actor-tenant'; actorTenantId: string };

/** What an audit entry says about who acted, for whom and when. */
export interface AuditFacts {
  type: string;
  occurredAt: string;
  actorUserId: string;
  actorTenantId: string;
  actorTenantKind: string;
  partnerTenantId: string | null;
  customerTenantId: string | null;
  correlationId: string;
}

/** Filters combine with AND, on top of the caller's scope. `from` is inclusive, `to` exclusive. */
export interface AuditFilter {
  customerTenantId?: string | null;
  partnerTenantId?: string | null;
  actorUserId?: string | null;
  eventTypes?: readonly string[] | null;
  /** The request every event of which carries it (its `x-request-id`). */
  correlationId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/** R42: the Operator reads everything, a customer Global admin its tenant, a partner its own users. */
export function auditScopeOf(actor: Actor): AuditScope {
  if (isOperator(actor)) return { kind: 'everything' };
  if (isCustomerGlobalAdmin(actor)) return { kind: 'customer', customerTenantId: actor.tenantId };
  if (isPartnerUser(actor, 'AdminAgent', 'SalesAgent', 'HelpdeskAgent')) {
    return { kind: 'actor-tenant', actorTenantId: actor.tenantId };
  }
  throw forbidden(
    'R42',
    'Only a customer’s Global admin, a partner’s users or the Operator may read the audit log.',
  );
}

export function inAuditScope(scope: AuditScope, entry: AuditFacts): boolean {
  switch (scope.kind) {
    case 'everything':
      return true;
    case 'customer':
      return entry.customerTenantId === scope.customerTenantId;
    case 'actor-tenant':
      // Its partner users': a tenant that is a customer too has its customer side's acts as well.
      return entry.actorTenantId === scope.actorTenantId && entry.actorTenantKind === 'partner';
  }
}

export function matchesAuditFilter(filter: AuditFilter, entry: AuditFacts): boolean {
  const at = entry.occurredAt;
  return (
    (!filter.customerTenantId || entry.customerTenantId === filter.customerTenantId) &&
    (!filter.partnerTenantId || entry.partnerTenantId === filter.partnerTenantId) &&
    (!filter.actorUserId || entry.actorUserId === filter.actorUserId) &&
    (!filter.eventTypes?.length || filter.eventTypes.includes(entry.type)) &&
    (!filter.correlationId || entry.correlationId === filter.correlationId) &&
    (!filter.from || at >= filter.from.toISOString()) &&
    (!filter.to || at < filter.to.toISOString())
  );
}

/** The tenants one event of a stream concerns. */
export interface StreamParties {
  partnerTenantId: string | null;
  customerTenantId: string | null;
}

/** The streams of one (partner, customer) pair: `<category>-<partner>_<customer>`. */
const PAIR_CATEGORIES = new Set([
  'relationship',
  'dapgrant',
  'servicerequests',
  'partneraccess',
  'revocation',
]);

/**
 * R17, R42: whether a stream's name alone rules the caller out as its reader. A pair's stream
 * names only that partner and that customer; among partners only the partner itself reads its
 * GDAP stream, among customers only the customer itself its Autopilot registry. Refused from the
 * name, such a stream costs the same to ask for whether it exists or not, however long it is;
 * read first, its length showed in the time its refusal took.
 */
export function ruledOutByName(actor: Actor, stream: { category: string; ids: string[] }): boolean {
  if (isOperator(actor)) return false;
  const [first, second] = stream.ids;
  if (PAIR_CATEGORIES.has(stream.category) && second !== undefined) {
    // A claim stream's customer is followed by `.<fact>`, which holds no dot.
    const customer = stream.category === 'revocation' ? second.replace(/\.[^.]*$/, '') : second;
    return actor.tenantId !== (actor.tenantKind === 'partner' ? first : customer);
  }
  if (stream.category === 'gdap') return actor.tenantKind === 'partner' && first !== actor.tenantId;
  if (stream.category === AUTOPILOT_CATEGORY) {
    return actor.tenantKind === 'customer' && first !== actor.tenantId;
  }
  return false;
}

/**
 * R42, R43: who may read one aggregate's history. The same rule as the audit log, applied to the
 * stream's parties: the Operator any stream; a customer Global admin a stream that concerns its
 * tenant; a partner user a stream that concerns its own tenant. Nobody else.
 */
export function mayReadStream(actor: Actor, parties: readonly StreamParties[]): boolean {
  if (isOperator(actor)) return true;
  if (isCustomerGlobalAdmin(actor)) {
    return parties.some((party) => party.customerTenantId === actor.tenantId);
  }
  if (isPartnerUser(actor, 'AdminAgent', 'SalesAgent', 'HelpdeskAgent')) {
    return parties.some((party) => party.partnerTenantId === actor.tenantId);
  }
  return false;
}

/**
 * R42, R43: whether an event of a stream the caller may read (mayReadStream) is another tenant's:
 * it names another customer than the caller's (for a customer's Global admin) or another partner
 * (for a partner user). A stream may hold several tenants' events (a partner's GDAP stream, every
 * customer's; a customer's Autopilot stream, several partners' profiles and fences): such an event
 * is left out of the caller's history, and so is the state from it on, which holds its part. A
 * subscription's stream holds the customer's own access too (its registration, its users' roles):
 * to a partner, an event there naming no partner is the customer's, as azureSubscriptions shows a
 * partner its own groups' role assignments only (R17, R23). A customer's Autopilot registry shows
 * a partner the customer's own acts only while it has a reseller relationship with the customer
 * (`relationshipActive`), as autopilotDevices does (R9, R30): a former partner reads only its own.
 */
export function isAnotherTenants(
  actor: Actor,
  party: StreamParties,
  streamId: string,
  relationshipActive = false,
): boolean {
  if (isOperator(actor)) return false;
  if (isCustomerGlobalAdmin(actor)) {
    return party.customerTenantId !== null && party.customerTenantId !== actor.tenantId;
  }
  if (party.partnerTenantId === null) {
    const category = streamCategory(streamId);
    if (category === AUTOPILOT_CATEGORY) return !relationshipActive;
    return category === SUBSCRIPTION_CATEGORY;
  }
  return party.partnerTenantId !== actor.tenantId;
}
