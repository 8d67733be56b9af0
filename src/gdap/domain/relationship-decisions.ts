import type { Actor } from '../../platform/domain/actor';
import {
  conflict,
  invalidInput,
  notFound,
  preconditionFailed,
} from '../../platform/domain/domain-error';
import { isSystemTenantId, quote } from '../../platform/domain/ids';
import {
  asSeen,
  hasMoreCharactersThan,
  isPrintable,
  showsAnything,
} from '../../platform/domain/printable-text';
import { approvalEmailDraft, approvalUrl } from './approval-link';
import type { GdapCommand } from './commands';
import { APPROVAL_VALID_DAYS, EXPIRING_WITHIN_DAYS } from './due-transitions';
import {
  AUTO_EXTEND_NONE,
  addDays,
  relationshipEnd,
  checkAutoExtendDuration,
  checkRelationshipDuration,
} from './durations';
import type { EditableFields, GdapEvent, GdapStreamEvent } from './events';
import { assertCustomerGlobalAdmin, assertPartnerAdminAgent, terminatingSide } from './gdap-access';
import { assertMayRevokePartnerAccess } from './partner-access';
import {
  assignmentDeletionRequested,
  customerNamed,
  GRANTING,
  inForce,
  notInForceBecause,
  type GdapRelationship,
  type GdapState,
  namedRelationships,
  pairOf,
} from './gdap-state';
import {
  catalogueRoles,
  type DirectoryRole,
  GLOBAL_ADMINISTRATOR_ID,
  sameRoles,
} from './role-catalogue';

type Of<T extends GdapCommand['type']> = Extract<GdapCommand, { type: T }>;

export const DISPLAY_NAME_MAX = 50;

/** The edited fields as they stand, recorded with an edit as `before`. */
const editableFieldsOf = (relationship: GdapRelationship): EditableFields => ({
  displayName: relationship.displayName,
  duration: relationship.duration,
  roles: [...relationship.roles],
  autoExtendDuration: relationship.autoExtendDuration,
});

/** A relationship a command names, or NOT_FOUND (also for callers who may not see it). */
export function relationshipOf(state: GdapState, relationshipId: string): GdapRelationship {
  const relationship = state.relationships.get(relationshipId);
  if (!relationship) throw notFound('No such GDAP relationship.');
  return relationship;
}

/**
 * R60: how many relationships with one customer a partner holds at once (those not expired or
 * terminated): without a bound, relationships created and never sent for approval, which only
 * the partner can delete, would fill the customer's Partner relationships page and every Customers
 * page row of the pair, each rewritten whole at every change.
 */
export const RELATIONSHIPS_HELD_PER_CUSTOMER_AT_MOST = 50;
const ENDED: readonly GdapRelationship['status'][] = ['expired', 'terminated'];

function assertRoomWithCustomer(state: GdapState, customerTenantId: string): void {
  const held = state.relationships.count(
    (relationship) =>
      relationship.customerTenantId === customerTenantId && !ENDED.includes(relationship.status),
  );
  if (held >= RELATIONSHIPS_HELD_PER_CUSTOMER_AT_MOST) {
    throw preconditionFailed(
      'R60',
      `The partner already holds ${held} GDAP relationships with this customer that have not ended, the most it holds at once: delete, terminate or let one end first.`,
    );
  }
}

/**
 * R60: a name of 1 to `max` characters after trimming (NFC, so one name is not two), none of them
 * a control or text-direction character; `whose` begins the refusal ("A customer’s").
 */
function checkedName(value: string, max: number, whose: string): string {
  const name = value.normalize('NFC').trim();
  if (!showsAnything(name) || hasMoreCharactersThan(name, max)) {
    throw invalidInput(`${whose} display name has 1 to ${max} characters.`, 'R60');
  }
  if (!isPrintable(name)) {
    throw invalidInput(
      `${whose} display name holds no control or text-direction characters.`,
      'R60',
    );
  }
  return name;
}

/** R60: a relationship's name, unique among the partner's relationships (case-insensitively). */
function checkDisplayName(state: GdapState, value: string, exceptId?: string): string {
  const displayName = checkedName(value, DISPLAY_NAME_MAX, 'A GDAP relationship’s');
  const taken = namedRelationships(state).some(
    (other) =>
      other.relationshipId !== exceptId &&
      asSeen(other.displayName.normalize('NFC')).toLowerCase() ===
        asSeen(displayName).toLowerCase(),
  );
  if (taken) {
    throw conflict(`You already have a GDAP relationship named “${displayName}”.`, 'R60');
  }
  return displayName;
}

/** A directory's display name has at most 256 characters (Entra ID's bound). */
export const CUSTOMER_DISPLAY_NAME_MAX = 256;

/**
 * R60: the customer's name as the partner gives it (Graph's customer.displayName), checked, or
 * undefined when it gives none; shown until the customer's approval names it (R62).
 */
const givenCustomerName = (value: string | null | undefined): string | undefined =>
  value == null ? undefined : checkedName(value, CUSTOMER_DISPLAY_NAME_MAX, 'A customer’s');

const holdsGlobalAdmin = (roles: readonly DirectoryRole[]) =>
  roles.some((role) => role.roleTemplateId === GLOBAL_ADMINISTRATOR_ID);

/** R60, R65: no auto-extension while Global Administrator is among the roles. */
function checkAutoExtendWithRoles(autoExtendDuration: string, roles: readonly DirectoryRole[]) {
  if (autoExtendDuration !== AUTO_EXTEND_NONE && holdsGlobalAdmin(roles)) {
    throw invalidInput(
      'A relationship with Global Administrator cannot extend itself; remove the role or the auto-extension.',
      'R60',
    );
  }
}

export function create(
  command: Of<'CreateDelegatedAdminRelationship'>,
  state: GdapState,
  now: Date,
): GdapEvent[] {
  const { actor, relationshipId, customerTenantId } = command;
  assertPartnerAdminAgent(actor, 'R60');
  if (state.relationships.has(relationshipId)) {
    throw conflict('This relationship already exists.');
  }
  if (customerTenantId === actor.tenantId) {
    throw invalidInput('A partner cannot ask for GDAP in its own tenant.', 'R60');
  }
  if (isSystemTenantId(customerTenantId)) {
    throw invalidInput(
      `${quote(customerTenantId)} is the product's own tenant id, never a customer's; no one could approve it.`,
      'R60',
    );
  }
  const displayName = checkDisplayName(state, command.displayName);
  const duration = checkRelationshipDuration(command.duration, now);
  const roles = catalogueRoles(command.roles);
  const autoExtendDuration = checkAutoExtendDuration(command.autoExtendDuration);
  checkAutoExtendWithRoles(autoExtendDuration, roles);
  const customerDisplayName = givenCustomerName(command.customerDisplayName);
  assertRoomWithCustomer(state, customerTenantId);
  return [
    {
      type: 'DelegatedAdminRelationshipCreated',
      data: {
        relationshipId,
        partnerTenantId: actor.tenantId,
        partnerName: actor.tenantName ?? actor.tenantId,
        customerTenantId,
        displayName,
        duration,
        roles,
        autoExtendDuration,
        ...customerNamed({ customerDisplayName }),
      },
    },
  ];
}

/** R65: while active, only auto-extension changes, and Global Administrator may be removed. */
function updateActive(
  command: Of<'UpdateDelegatedAdminRelationship'>,
  relationship: GdapRelationship,
): GdapEvent[] {
  const changesName =
    command.displayName != null &&
    command.displayName.normalize('NFC').trim() !== relationship.displayName;
  const changesDuration =
    command.duration != null && command.duration.trim().toUpperCase() !== relationship.duration;
  const customerName = givenCustomerName(command.customerDisplayName);
  const renamesCustomer =
    customerName !== undefined && customerName !== relationship.customerDisplayName;
  if (changesName || changesDuration || renamesCustomer) {
    throw preconditionFailed(
      'R65',
      'An active relationship keeps its name, duration and customer name; only its auto-extension may change, and Global Administrator may be removed.',
    );
  }
  let roles = relationship.roles;
  if (command.roles != null) {
    const requested = catalogueRoles(command.roles);
    const removed = relationship.roles.filter(
      (role) => !requested.some((kept) => kept.roleTemplateId === role.roleTemplateId),
    );
    const added = requested.some(
      (role) => !relationship.roles.some((held) => held.roleTemplateId === role.roleTemplateId),
    );
    if (added || removed.some((role) => role.roleTemplateId !== GLOBAL_ADMINISTRATOR_ID)) {
      throw preconditionFailed(
        'R65',
        'The only role change an active relationship allows is removing Global Administrator.',
      );
    }
    // The roles it holds, sent again (a Graph PATCH of the whole body), change nothing.
    roles = relationship.roles.filter((role) => !removed.includes(role));
    if (roles.length === 0) {
      throw invalidInput('A GDAP relationship keeps at least one directory role.', 'R65');
    }
  }
  const autoExtendDuration =
    command.autoExtendDuration != null
      ? checkAutoExtendDuration(command.autoExtendDuration)
      : relationship.autoExtendDuration;
  checkAutoExtendWithRoles(autoExtendDuration, roles);
  if (
    roles.length === relationship.roles.length &&
    autoExtendDuration === relationship.autoExtendDuration
  )
    return [];
  return [
    {
      type: 'DelegatedAdminRelationshipUpdated',
      data: {
        ...pairOf(relationship),
        displayName: relationship.displayName,
        duration: relationship.duration,
        roles: [...roles],
        autoExtendDuration,
        before: editableFieldsOf(relationship),
      },
    },
    ...emptiedAssignments(relationship, roles).map((assignmentId) =>
      assignmentDeletionRequested(relationship, assignmentId),
    ),
  ];
}

/**
 * R65, R66: the pending or active assignments that hold none of `roles` (they held only Global
 * Administrator, now removed): an assignment gives one or more roles, so they are deleted.
 */
function emptiedAssignments(
  relationship: GdapRelationship,
  roles: readonly DirectoryRole[],
): string[] {
  const kept = new Set(roles.map((role) => role.roleTemplateId));
  return Object.values(relationship.assignments)
    .filter(
      (assignment) =>
        (assignment.status === 'pending' || assignment.status === 'active') &&
        !assignment.roles.some((role) => kept.has(role.roleTemplateId)),
    )
    .map((assignment) => assignment.assignmentId);
}

export function update(
  command: Of<'UpdateDelegatedAdminRelationship'>,
  state: GdapState,
  now: Date,
): GdapEvent[] {
  const relationship = relationshipOf(state, command.relationshipId);
  assertPartnerAdminAgent(command.actor, 'R61', relationship);
  if (
    command.customerTenantId != null &&
    command.customerTenantId !== relationship.customerTenantId
  ) {
    throw invalidInput(
      'A relationship’s customer does not change: create a relationship for the other customer.',
      'R61',
    );
  }
  if (GRANTING.includes(relationship.status)) {
    if (!inForce(relationship, now)) {
      throw preconditionFailed(
        'R63',
        `An active relationship is edited only before its end date (this one is ${notInForceBecause(relationship)}).`,
      );
    }
    return updateActive(command, relationship);
  }
  if (relationship.status !== 'created') {
    throw preconditionFailed(
      // Past its life, the rule that ended it says why: its end date (R63), its termination (R64).
      relationship.status === 'expired'
        ? 'R63'
        : relationship.status === 'terminated' || relationship.status === 'terminationRequested'
          ? 'R64'
          : 'R61',
      `A relationship is edited only while created, or while active before its end date (this one is ${relationship.status}).`,
    );
  }
  const roles = command.roles != null ? catalogueRoles(command.roles) : relationship.roles;
  const autoExtendDuration =
    command.autoExtendDuration != null
      ? checkAutoExtendDuration(command.autoExtendDuration)
      : relationship.autoExtendDuration;
  checkAutoExtendWithRoles(autoExtendDuration, roles);
  const edited = {
    displayName:
      command.displayName != null
        ? checkDisplayName(state, command.displayName, relationship.relationshipId)
        : relationship.displayName,
    duration:
      command.duration != null
        ? checkRelationshipDuration(command.duration, now)
        : relationship.duration,
    roles: [...roles],
    autoExtendDuration,
  };
  const customerDisplayName = givenCustomerName(command.customerDisplayName);
  const renamesCustomer =
    customerDisplayName !== undefined && customerDisplayName !== relationship.customerDisplayName;
  // The same fields again change nothing, so nothing is recorded (as an assignment's, R66).
  if (!renamesCustomer && sameFields(edited, editableFieldsOf(relationship))) return [];
  return [
    {
      type: 'DelegatedAdminRelationshipUpdated',
      data: {
        ...pairOf(relationship),
        ...edited,
        ...customerNamed({ customerDisplayName }),
        before: editableFieldsOf(relationship),
      },
    },
  ];
}

const sameFields = (edited: EditableFields, held: EditableFields): boolean =>
  edited.displayName === held.displayName &&
  edited.duration === held.duration &&
  edited.autoExtendDuration === held.autoExtendDuration &&
  sameRoles(edited.roles, held.roles);

export function remove(
  command: Of<'DeleteDelegatedAdminRelationship'>,
  state: GdapState,
): GdapEvent[] {
  const relationship = relationshipOf(state, command.relationshipId);
  assertPartnerAdminAgent(command.actor, 'R61', relationship);
  if (relationship.status !== 'created') {
    throw preconditionFailed(
      'R61',
      `Only a relationship not yet sent for approval can be deleted (this one is ${relationship.status}); terminate an active one.`,
    );
  }
  return [{ type: 'DelegatedAdminRelationshipDeleted', data: pairOf(relationship) }];
}

export function requestApproval(
  command: Of<'RequestDelegatedAdminRelationshipApproval'>,
  state: GdapState,
  now: Date,
): GdapEvent[] {
  const relationship = relationshipOf(state, command.relationshipId);
  assertPartnerAdminAgent(command.actor, 'R61', relationship);
  if (relationship.status !== 'created') {
    throw preconditionFailed(
      'R61',
      `Approval is requested once, for a created relationship (this one is ${relationship.status}).`,
    );
  }
  const link = approvalUrl(command.approvalBaseUrl, relationship.relationshipId);
  return [
    {
      type: 'DelegatedAdminRelationshipApprovalRequested',
      data: {
        ...pairOf(relationship),
        approvalUrl: link,
        emailDraft: approvalEmailDraft(
          relationship.partnerName,
          relationship.displayName,
          relationship.roles,
          relationship.duration,
          link,
        ),
        expiresAt: addDays(now, APPROVAL_VALID_DAYS).toISOString(),
      },
    },
  ];
}

export function approve(
  command: Of<'ApproveDelegatedAdminRelationship'>,
  state: GdapState,
  now: Date,
): GdapEvent[] {
  const relationship = relationshipOf(state, command.relationshipId);
  assertCustomerGlobalAdmin(command.actor, 'R62', relationship);
  const lapsed =
    relationship.status === 'approvalPending' &&
    now >= new Date(relationship.approvalExpiresAt as string);
  if (relationship.status !== 'approvalPending' || lapsed) {
    throw preconditionFailed(
      'R62',
      lapsed
        ? 'This approval request is more than 90 days old and has expired; the partner must ask again.'
        : `Only a relationship awaiting approval can be approved (this one is ${relationship.status}).`,
    );
  }
  const endDateTime = relationshipEnd(now, relationship.duration);
  // Recorded before R60 checked durations strictly, a duration may end at no date at all.
  if (Number.isNaN(endDateTime.getTime())) {
    throw preconditionFailed(
      'R60',
      `This relationship's duration ${quote(relationship.duration)} ends at no date; the partner must create it again.`,
    );
  }
  const approved: GdapEvent = {
    type: 'DelegatedAdminRelationshipApproved',
    data: {
      ...pairOf(relationship),
      approvedByUserId: command.actor.userId,
      activatedAt: now.toISOString(),
      endDateTime: endDateTime.toISOString(),
      // Graph names the customer itself once it approves: its admin's token says the name, and
      // the domain the partner's Customers page shows and searches (R16).
      ...(command.actor.tenantName ? { customerDisplayName: command.actor.tenantName } : {}),
      ...(command.actor.tenantDomain ? { customerDomain: command.actor.tenantDomain } : {}),
    },
  };
  // R63: a relationship of 30 days or less is expiring from its approval on, and says so at once.
  if (addDays(endDateTime, -EXPIRING_WITHIN_DAYS) > now) return [approved];
  const expiring: GdapEvent = {
    type: 'DelegatedAdminRelationshipExpiring',
    data: { ...pairOf(relationship), endDateTime: endDateTime.toISOString() },
  };
  return [approved, expiring];
}

function terminationOf(relationship: GdapRelationship, actor: Actor): GdapEvent {
  return {
    type: 'DelegatedAdminRelationshipTerminationRequested',
    data: { ...pairOf(relationship), requestedBy: terminatingSide(actor, relationship) },
  };
}

export function terminate(
  command: Of<'TerminateDelegatedAdminRelationship'>,
  state: GdapState,
  now: Date,
): GdapEvent[] {
  const relationship = relationshipOf(state, command.relationshipId);
  const event = terminationOf(relationship, command.actor);
  if (!inForce(relationship, now)) {
    throw preconditionFailed(
      'R64',
      `Only an active relationship can be terminated (this one is ${notInForceBecause(relationship)}).`,
    );
  }
  return [event];
}

/** R70: every active relationship of the partner with the customer, ended at once. */
export function terminateAllForCustomer(
  command: Of<'TerminateAllForCustomer'>,
  state: GdapState,
): GdapStreamEvent[] {
  const { actor, partnerTenantId, customerTenantId } = command;
  assertMayRevokePartnerAccess(actor, customerTenantId);
  const terminations = endingOnRevoke(state, command).map((relationship) =>
    terminationOf(relationship, actor),
  );
  if (!state.revocationsUnderway.has(customerTenantId)) return terminations;
  const finished = { partnerTenantId, customerTenantId };
  return [...terminations, { type: 'GdapRevocationFinished', data: finished }];
}

/** R70: the customer's relationships in force, but for those it approved after the request. */
export const endingOnRevoke = (
  state: GdapState,
  command: Pick<Of<'TerminateAllForCustomer'>, 'customerTenantId' | 'approvedSinceRequest'>,
): GdapRelationship[] =>
  namedRelationships(state).filter(
    (relationship) =>
      relationship.customerTenantId === command.customerTenantId &&
      GRANTING.includes(relationship.status) &&
      !command.approvedSinceRequest.includes(relationship.relationshipId),
  );
