import type { EventType } from '../../src/events';
import type { Actor } from '../../src/platform/domain/actor';
import type { NamedThings } from './named-things';

/**
 * One-line human summaries of audit entries, one per event type, all in this file.
 *
 * SUMMARIES has a line for every event type (tsc fails until a new one gets its line); a type
 * this version cannot read (written by a newer one) reads
 * "Ann (Contoso Partners, AdminAgent): autopilot device wiped for Fabrikam".
 * Summaries are stored and hash-chained: changing or adding one means bumping
 * auditProjection.version, so the log is rebuilt and `audit verify` agrees with it.
 */

/** Event data read loosely: summaries must never fail on a field they do not find. */
type EventData = Record<string, unknown>;

export interface SummaryContext {
  data: EventData;
  actor: Actor;
  /** The entry's partner and customer, by name where known. */
  partner: string | null;
  customer: string | null;
  /** A tenant's name where known, else its id. */
  tenant(tenantId: string | null): string | null;
  /** The names earlier events gave the things this one is about, where known. */
  named: NamedThings;
}

type Summary = (context: SummaryContext) => string;

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value : null;
const field = (data: EventData, name: string): string => text(data[name]) ?? '?';
/** In double quotes, a quote inside escaped, so that no name reads as the end of it (JSON's way). */
const quoted = (value: unknown): string => JSON.stringify(text(value) ?? '?');
const count = (value: unknown): string => (typeof value === 'number' ? String(value) : '?');
const withDap = (data: EventData): string =>
  data.includeDelegatedAdmin === true ? ' with DAP' : ' without DAP';

const DAP_REMOVED_BECAUSE: ReadonlyMap<unknown, string> = new Map([
  ['RELATIONSHIP_ENDED', ' as the relationship ended'],
  ['ALL_ACCESS_ENDED', ' as the customer asked to end all its access (R70)'],
]);
const FENCED_WHILE: ReadonlyMap<unknown, string> = new Map([
  ['RELATIONSHIP', 'the reseller relationship ends'],
  ['GDAP', 'a GDAP change takes access away'],
]);
/** What a claimed revocation begins, and the words naming the partner or the customer after it. */
const BEGINS: ReadonlyMap<unknown, [string, string, string]> = new Map([
  ['RELATIONSHIP', ['ending the reseller relationship', 'with', 'with']],
  ['GDAP', ['taking GDAP access away', 'from', 'in']],
]);

/** What a claim's revocation takes away, and from whom. */
function revocationIn(context: SummaryContext): string {
  const [what, partnerWord, customerWord] = BEGINS.get(context.data.revoking) ?? [
    'removing DAP',
    'of',
    'for',
  ];
  return `${what} ${counterpart(context, partnerWord, customerWord)}`;
}

/** Names the other side of the pair, as seen from whoever acted. */
function counterpart(context: SummaryContext, partnerWord: string, customerWord: string): string {
  const { actor, partner, customer } = context;
  const partnerActed = actor.tenantKind === 'partner';
  const customerActed = actor.tenantKind === 'customer';
  if (partnerActed && customer) return `${customerWord} ${customer}`;
  if (customerActed && partner) return `${partnerWord} ${partner}`;
  return [partner && `${partnerWord} ${partner}`, customer && `${customerWord} ${customer}`]
    .filter(Boolean)
    .join(' ');
}

function principal(context: SummaryContext): string {
  const value = context.data.principal as EventData | undefined;
  if (value?.kind === 'PARTNER_GROUP') {
    const group = value.group === 'HELPDESK_AGENTS' ? 'Helpdesk Agents' : 'Admin Agents';
    return `the ${group} of ${context.tenant(text(value.partnerTenantId)) ?? '?'}`;
  }
  if (value?.kind === 'CUSTOMER_GROUP') return `group ${text(value.groupId) ?? '?'}`;
  return `user ${text(value?.userId) ?? '?'}`;
}

const gdapName = (context: SummaryContext) => quoted(context.data.displayName);
/** The relationship by its display name as last created or changed, else by its id. */
const gdapId = ({ named, data }: SummaryContext) =>
  `GDAP relationship ${named.relationship ? quoted(named.relationship) : field(data, 'relationshipId')}`;
/** The access assignment by its group where known, else by its id. */
const gdapAssignment = ({ named, data }: SummaryContext) =>
  named.assignment
    ? `the access assignment of ${named.assignment}`
    : `access assignment ${field(data, 'assignmentId')}`;
/** The subscription by its display name where known, else by its id. */
const subscription = ({ named, data }: SummaryContext) =>
  `Azure subscription ${named.subscription ? quoted(named.subscription) : field(data, 'subscriptionId')}`;
/** The profile by its name as last created or updated, else by its id. */
const profile = ({ named, data }: SummaryContext) =>
  `Autopilot profile ${named.profile ? quoted(named.profile) : field(data, 'profileId')}`;
/** The device by its serial number (quoted) where it was added with one, else by its id. */
const device = ({ named, data }: SummaryContext) =>
  `device ${named.device ? quoted(named.device) : field(data, 'deviceId')}`;
const gdapRoles = (value: unknown) =>
  Array.isArray(value)
    ? (value as EventData[]).map((role) => text(role.displayName) ?? '?').join(', ')
    : '?';

/** The roles of a role list whose template id is not in `other`'s, by display name. */
function rolesMissingFrom(roles: unknown, other: unknown): string[] {
  if (!Array.isArray(roles)) return [];
  const held = new Set(
    (Array.isArray(other) ? (other as EventData[]) : []).map((role) => role.roleTemplateId),
  );
  return (roles as EventData[])
    .filter((role) => !held.has(role.roleTemplateId))
    .map((role) => text(role.displayName) ?? '?');
}

/**
 * R61, R65: what an edit changed, from the fields as they were (`before`, recorded since
 * 2026-12-03); an edit recorded without them says the fields as they became.
 */
function gdapEdit(data: EventData): string {
  const before = data.before as EventData | undefined;
  if (typeof before !== 'object' || before === null) {
    return `: ${gdapRoles(data.roles)}, auto-extend ${field(data, 'autoExtendDuration')}`;
  }
  const renamed =
    before.displayName !== data.displayName ? ` (was ${quoted(before.displayName)})` : '';
  const removed = rolesMissingFrom(before.roles, data.roles);
  const added = rolesMissingFrom(data.roles, before.roles);
  const changes = [
    removed.length > 0 && `removed ${removed.join(', ')}`,
    added.length > 0 && `added ${added.join(', ')}`,
    before.duration !== data.duration &&
      `duration ${field(before, 'duration')} → ${field(data, 'duration')}`,
    before.autoExtendDuration !== data.autoExtendDuration &&
      `auto-extend ${field(before, 'autoExtendDuration')} → ${field(data, 'autoExtendDuration')}`,
  ].filter((change): change is string => typeof change === 'string');
  if (changes.length > 0) return `${renamed}: ${changes.join('; ')}`;
  return renamed || (data.customerDisplayName === undefined ? ': nothing changed' : '');
}

/** R60, R61: the name the partner gave the customer, where the event gives one. */
const customerNaming = (data: EventData) =>
  data.customerDisplayName === undefined
    ? ''
    : `, naming the customer ${quoted(data.customerDisplayName)}`;

/** Issue 15: every GDAP event (R60–R70). */
const GDAP_SUMMARIES = {
  DelegatedAdminRelationshipCreated: (context) =>
    `created GDAP relationship ${gdapName(context)} (${gdapRoles(context.data.roles)}, ${field(context.data, 'duration')}) ${counterpart(context, 'with', 'with')}${customerNaming(context.data)}`,
  DelegatedAdminRelationshipUpdated: (context) =>
    `changed GDAP relationship ${gdapName(context)}${gdapEdit(context.data)}${customerNaming(context.data)}`,
  DelegatedAdminRelationshipDeleted: (context) => `deleted ${gdapId(context)}`,
  DelegatedAdminRelationshipApprovalRequested: (context) =>
    `asked ${context.customer ?? '?'} to approve ${gdapId(context)}`,
  DelegatedAdminRelationshipApproved: (context) =>
    `approved ${gdapId(context)} of ${context.partner ?? '?'} until ${field(context.data, 'endDateTime')}`,
  DelegatedAdminRelationshipApprovalExpired: (context) =>
    `recorded that the approval request of ${gdapId(context)} expired`,
  DelegatedAdminRelationshipExpiring: (context) =>
    `recorded that ${gdapId(context)} expires on ${field(context.data, 'endDateTime')}`,
  DelegatedAdminRelationshipExpired: (context) => `recorded that ${gdapId(context)} expired`,
  DelegatedAdminRelationshipAutoExtended: (context) =>
    `extended ${gdapId(context)} until ${field(context.data, 'endDateTime')}`,
  DelegatedAdminRelationshipTerminationRequested: (context) =>
    `terminated ${gdapId(context)} ${counterpart(context, 'with', 'with')}`,
  DelegatedAdminRelationshipTerminated: (context) =>
    `recorded that ${gdapId(context)} is terminated`,
  DelegatedAdminAccessAssignmentCreated: (context) =>
    `gave ${field(context.data, 'securityGroupId')} ${gdapRoles(context.data.roles)} through ${gdapId(context)}`,
  DelegatedAdminAccessAssignmentUpdated: (context) =>
    `changed ${gdapAssignment(context)} in ${gdapId(context)} to ${gdapRoles(context.data.roles)} (was ${gdapRoles(context.data.before)})`,
  DelegatedAdminAccessAssignmentActivated: (context) =>
    `activated ${gdapAssignment(context)} in ${gdapId(context)}`,
  DelegatedAdminAccessAssignmentDeletionRequested: (context) =>
    `deleted ${gdapAssignment(context)} in ${gdapId(context)}`,
  DelegatedAdminAccessAssignmentDeleted: (context) =>
    `recorded that ${gdapAssignment(context)} in ${gdapId(context)} is deleted`,
  PartnerAccessRevocationRequested: (context) =>
    `asked to end all access ${counterpart(context, 'of', 'in')} (DAP, GDAP, Azure roles)`,
  GdapRevocationStarted: (context) =>
    `started ending GDAP ${counterpart(context, 'of', 'in')}; the partner's GDAP changes wait until it is done`,
  GdapRevocationFinished: (context) => `finished ending GDAP ${counterpart(context, 'of', 'in')}`,
} satisfies Partial<Record<EventType, Summary>>;

const SUMMARIES = {
  InvitationCreated: (context) => {
    const intended = context.data.intendedCustomer as EventData | null | undefined;
    const whom = context.customer ?? text(intended?.domain) ?? 'a customer';
    return `invited ${whom} to a reseller relationship${withDap(context.data)}`;
  },
  InvitationEmailEdited: ({ data }) =>
    `edited the email of invitation ${field(data, 'invitationId')}`,
  InvitationCancelled: ({ data }) => `cancelled invitation ${field(data, 'invitationId')}`,
  InvitationAccepted: (context) =>
    `accepted the reseller invitation of ${context.partner ?? '?'}${withDap(context.data)}`,
  RelationshipEstablished: ({ partner, customer }) =>
    `established the reseller relationship between ${partner ?? '?'} and ${customer ?? '?'}`,
  RelationshipEndStarted: (context) =>
    `started ending the reseller relationship ${counterpart(context, 'with', 'with')}; nothing more is provisioned under it`,
  RelationshipEnded: (context) =>
    `ended the reseller relationship ${counterpart(context, 'with', 'with')}`,
  AzureSubscriptionLinked: (context) =>
    `linked ${subscription(context)} to the relationship ${counterpart(context, 'with', 'with')}`,
  DelegatedAdminGranted: (context) => {
    const roles = Array.isArray(context.data.roles)
      ? (context.data.roles as EventData[]).map((role) => text(role.role)).filter(Boolean)
      : [];
    const held = roles.length > 0 ? ` (${roles.join(', ')})` : '';
    const again = context.data.renegotiated === true ? ' again, renegotiating it (R8)' : '';
    return `granted DAP${held} ${counterpart(context, 'to', 'in')}${again}`;
  },
  DelegatedAdminRemoved: (context) => {
    const why = DAP_REMOVED_BECAUSE.get(context.data.reason) ?? '';
    return `removed DAP ${counterpart(context, 'of', 'for')}${why}`;
  },
  PartnerAccessRevocationStarted: (context) => {
    const scope = context.data.scope === 'AUTOPILOT' ? 'Autopilot changes' : 'service requests';
    const why = FENCED_WHILE.get(context.data.revoking) ?? 'DAP is removed';
    return `closed ${scope} ${counterpart(context, 'of', 'for')} while ${why}`;
  },
  PartnerAccessRevocationClaimed: (context) => `began ${revocationIn(context)}`,
  PartnerAccessRevocationClaimReleased: (context) =>
    `stopped ${revocationIn(context)} with nothing changed`,
  ServiceRequestOpened: (context) =>
    `opened service request ${quoted(context.data.title)} for ${context.customer ?? '?'}`,
  AzureSubscriptionProvisioned: (context) =>
    `provisioned Azure subscription ${quoted(context.data.displayName)} for ${context.customer ?? '?'}`,
  AzureSubscriptionRegistered: (context) =>
    `registered Azure subscription ${quoted(context.data.displayName)} in ${context.customer ?? '?'}`,
  SubscriptionRoleAssigned: (context) =>
    `assigned ${field(context.data, 'role')} on ${subscription(context)} to ${principal(context)}`,
  SubscriptionRoleAssignmentRemoved: (context) =>
    `removed ${field(context.data, 'role')} on ${subscription(context)} from ${principal(context)}`,
  AutopilotProfileCreated: (context) =>
    `created Autopilot profile ${quoted(context.data.name)} for ${context.customer ?? '?'}`,
  AutopilotProfileUpdated: (context) =>
    `updated Autopilot profile ${quoted(context.data.name)} for ${context.customer ?? '?'}`,
  AutopilotProfileDeleted: (context) =>
    `deleted ${profile(context)} for ${context.customer ?? '?'}`,
  // The device's serial number is learnt from this very event (named-things.ts), where it has one.
  AutopilotDeviceAdded: (context) =>
    `added Autopilot ${device(context)} for ${context.customer ?? '?'}`,
  AutopilotProfileAssigned: (context) =>
    `assigned ${profile(context)} to ${device(context)} for ${context.customer ?? '?'}`,
  AutopilotProfileUnassigned: (context) =>
    `removed ${profile(context)} from ${device(context)} for ${context.customer ?? '?'}`,
  AutopilotDeviceRemoved: (context) =>
    `removed Autopilot ${device(context)} for ${context.customer ?? '?'}`,
  AzureSubscriptionCancelled: (context) => `cancelled ${subscription(context)}`,
  AzureSubscriptionProvisioningVoided: (context) =>
    `closed ${subscription(context)} before it was provisioned, as the reseller relationship ended`,
  ...GDAP_SUMMARIES,
  AuditSealed: ({ data }) =>
    `sealed ${count(data.count)} events after position ${count(data.from)} up to ${count(data.through)} (seal #${count(data.sequence)})`,
} satisfies Record<EventType, Summary>;

/** "Ann (Contoso Partners, AdminAgent)": who acted, from the event's actor metadata. */
export function describeActor(actor: Actor, tenantName: string | null): string {
  const details = [tenantName ?? actor.tenantId, ...actor.roles];
  return `${actor.name} (${details.join(', ')})`;
}

/** "AutopilotDeviceWiped" → "autopilot device wiped". */
const humanise = (type: string): string =>
  type
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();

/** The entry's one-line summary; event types without one get a plain, still readable line. */
export function summarise(type: string, who: string, context: SummaryContext): string {
  const summary: Summary | undefined = hasSummary(type) ? SUMMARIES[type] : undefined;
  if (summary) return `${who} ${summary(context)}`;
  const where = context.customer ? ` for ${context.customer}` : '';
  return `${who}: ${humanise(type)}${where}`;
}

export const hasSummary = (type: string): type is EventType => Object.hasOwn(SUMMARIES, type);
