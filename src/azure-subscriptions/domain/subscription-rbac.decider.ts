import {
  isKnownTo,
  mayManageSubscriptionAccess,
  type SubscriptionFacts,
} from './subscription-access';
import { partnerRolesOf } from '../../delegated-admin/domain/partner-capabilities';
import { type Actor, isCustomerGlobalAdmin, isPartnerUser } from '../../platform/domain/actor';
import { assertNever, type Decider, unhandled } from '../../platform/domain/decider';
import {
  conflict,
  forbidden,
  invalidInput,
  notFound,
  preconditionFailed,
} from '../../platform/domain/domain-error';
import {
  assignmentSeenBy,
  describePrincipal,
  isGroupOf,
  type Principal,
  ROLE_DEFINITION_IDS,
  ROLE_DISPLAY_NAMES,
  samePrincipal,
} from './azure-roles';
import {
  hasMoreCharactersThan,
  isPrintable,
  showsAnything,
} from '../../platform/domain/printable-text';
import { isGroupSlug } from '../../platform/domain/group-slugs';
import { isSystemTenantId, quote } from '../../platform/domain/ids';
import type { SubscriptionRbacCommand } from './commands';
import type { RoleAssignment, SubscriptionRbacEvent } from './events';

export type SubscriptionRbacState =
  | { exists: false; voided?: true }
  | (SubscriptionFacts & { exists: true; displayName: string; cancelled: boolean });

type Existing = Extract<SubscriptionRbacState, { exists: true }>;
type Of<T extends SubscriptionRbacCommand['type']> = Extract<SubscriptionRbacCommand, { type: T }>;

const DISPLAY_NAME_MAX = 64;

function displayNameOf(name: string): string {
  const trimmed = name.trim();
  if (!showsAnything(trimmed) || hasMoreCharactersThan(trimmed, DISPLAY_NAME_MAX)) {
    throw invalidInput(
      `A subscription display name has 1 to ${DISPLAY_NAME_MAX} characters.`,
      'R20',
    );
  }
  // Shown to the customer and to the partners holding a role on it.
  if (!isPrintable(trimmed)) {
    throw invalidInput(
      'A subscription display name holds no control or text-direction characters.',
      'R20',
    );
  }
  return trimmed;
}

/** Unknown, or not the caller's to know of: NOT_FOUND either way. */
function visible(state: SubscriptionRbacState, actor: Actor): Existing {
  if (!state.exists || !isKnownTo(actor, state)) throw notFound('No such Azure subscription.');
  return state;
}

const PARTNER_GROUPS: readonly string[] = ['ADMIN_AGENTS', 'HELPDESK_AGENTS'];

/** A principal as assigned on `customerTenantId`'s subscription: a partner group names a partner. */
function validPrincipal(principal: Principal, customerTenantId: string): Principal {
  if (principal.kind === 'PARTNER_GROUP') {
    const partnerTenantId = principal.partnerTenantId?.trim();
    if (!partnerTenantId || !PARTNER_GROUPS.includes(principal.group)) {
      throw invalidInput(
        'A PARTNER_GROUP principal needs partnerTenantId and a group (ADMIN_AGENTS or HELPDESK_AGENTS).',
        'R20',
      );
    }
    if (partnerTenantId === customerTenantId || isSystemTenantId(partnerTenantId)) {
      throw invalidInput(
        'A PARTNER_GROUP principal names a partner’s tenant: not this customer’s own, nor the product’s (operator, partner-ledger).',
        'R20',
      );
    }
    return { kind: 'PARTNER_GROUP', partnerTenantId, group: principal.group };
  }
  if (principal.kind === 'CUSTOMER_GROUP') {
    const groupId = principal.groupId?.trim() ?? '';
    if (!isGroupSlug(groupId)) {
      throw invalidInput(
        `A CUSTOMER_GROUP principal needs groupId: a group of the customer's, 1 to 64 lower-case letters, digits and hyphens (not ${quote(principal.groupId ?? '')}).`,
        'R20',
      );
    }
    return { kind: 'CUSTOMER_GROUP', groupId };
  }
  if (principal.kind !== 'CUSTOMER_USER') {
    throw invalidInput(
      'A principal is a PARTNER_GROUP, a CUSTOMER_USER or a CUSTOMER_GROUP.',
      'R20',
    );
  }
  if (!principal.userId?.trim())
    throw invalidInput('A CUSTOMER_USER principal needs userId.', 'R20');
  return { kind: 'CUSTOMER_USER', userId: principal.userId.trim() };
}

function assertMayManageAccess(actor: Actor, subscription: Existing): void {
  const verdict = mayManageSubscriptionAccess(actor, subscription, partnerRolesOf(actor.roles));
  if (!verdict.allowed) throw forbidden(verdict.rule, verdict.reason);
}

/**
 * R17: a partner gives roles to its own groups and to the customer's users and groups, never to
 * another partner's groups: that partner's standing with the customer is the customer's to grant,
 * and an answer that depended on it (a conflict when it already holds the role) would tell one
 * partner of another's customer. Decided before the assignments are looked at, so it never does.
 */
function assertNotAnotherPartners(actor: Actor, principal: Principal): void {
  if (
    actor.tenantKind === 'partner' &&
    principal.kind === 'PARTNER_GROUP' &&
    principal.partnerTenantId !== actor.tenantId
  ) {
    throw forbidden(
      'R17',
      'A partner gives roles to its own groups and to the customer’s users and groups; another partner’s groups get theirs from the customer.',
    );
  }
}

const partnerOf = (principal: Principal) =>
  principal.kind === 'PARTNER_GROUP' ? { partnerTenantId: principal.partnerTenantId } : {};

function provision(
  command: Of<'ProvisionAzureSubscription'>,
  state: SubscriptionRbacState,
): SubscriptionRbacEvent[] {
  // The relationship stream already checked R22 (role, active relationship) when it linked this id.
  if (state.exists) throw conflict(`Subscription ${command.subscriptionId} already exists.`);
  if (state.voided) {
    throw preconditionFailed(
      'R22',
      'The reseller relationship was being ended while this subscription was provisioned; nothing was provisioned.',
    );
  }
  const { actor } = command;
  const owner: RoleAssignment = {
    assignmentId: command.ownerAssignmentId,
    role: 'OWNER',
    roleDefinitionId: ROLE_DEFINITION_IDS.OWNER,
    principal: { kind: 'PARTNER_GROUP', partnerTenantId: actor.tenantId, group: 'ADMIN_AGENTS' },
  };
  const ids = {
    subscriptionId: command.subscriptionId,
    customerTenantId: command.customerTenantId,
  };
  return [
    {
      type: 'AzureSubscriptionProvisioned',
      data: {
        ...ids,
        displayName: displayNameOf(command.displayName),
        partnerTenantId: actor.tenantId,
        partnerName: actor.tenantName ?? actor.tenantId,
      },
    },
    // R22: the provisioning partner's Admin Agents become Owner, in the same append.
    {
      type: 'SubscriptionRoleAssigned',
      data: { ...ids, ...owner, partnerTenantId: actor.tenantId },
    },
  ];
}

function voidUnfinished(
  command: Of<'VoidUnfinishedProvisioning'>,
  state: SubscriptionRbacState,
): SubscriptionRbacEvent[] {
  if (state.exists || state.voided) return [];
  const { subscriptionId, customerTenantId, partnerTenantId } = command;
  return [
    {
      type: 'AzureSubscriptionProvisioningVoided',
      data: { subscriptionId, customerTenantId, partnerTenantId },
    },
  ];
}

function register(
  command: Of<'RegisterAzureSubscription'>,
  state: SubscriptionRbacState,
): SubscriptionRbacEvent[] {
  if (!isCustomerGlobalAdmin(command.actor)) {
    throw forbidden(
      'R24',
      'Only a Global admin of the customer tenant registers the subscriptions it created.',
    );
  }
  if (state.exists) throw conflict(`Subscription ${command.subscriptionId} already exists.`);
  return [
    {
      type: 'AzureSubscriptionRegistered',
      data: {
        subscriptionId: command.subscriptionId,
        displayName: displayNameOf(command.displayName),
        customerTenantId: command.actor.tenantId,
      },
    },
  ];
}

/** A cancelled subscription's access is closed with it: its assignments change no more. */
function assertNotCancelled(subscription: Existing): void {
  if (subscription.cancelled) throw preconditionFailed('R20', 'This subscription is cancelled.');
}

function assign(
  command: Of<'AssignSubscriptionRole'>,
  state: SubscriptionRbacState,
): SubscriptionRbacEvent[] {
  const subscription = visible(state, command.actor);
  assertMayManageAccess(command.actor, subscription);
  assertNotCancelled(subscription);
  const principal = validPrincipal(command.principal, subscription.customerTenantId);
  assertNotAnotherPartners(command.actor, principal);
  const existing = subscription.assignments.find(
    (a) => a.role === command.role && samePrincipal(a.principal, principal),
  );
  if (existing) {
    // The assignment's id only to whoever may see it listed (a partner: its own groups').
    const which = assignmentSeenBy(command.actor, principal)
      ? ` (assignment ${existing.assignmentId})`
      : '';
    throw conflict(
      `${describePrincipal(principal)} already holds ${ROLE_DISPLAY_NAMES[command.role]} here${which}.`,
      'R20',
    );
  }
  return [
    {
      type: 'SubscriptionRoleAssigned',
      data: {
        subscriptionId: subscription.subscriptionId,
        customerTenantId: subscription.customerTenantId,
        assignmentId: command.assignmentId,
        role: command.role,
        roleDefinitionId: ROLE_DEFINITION_IDS[command.role],
        principal,
        ...partnerOf(principal),
      },
    },
  ];
}

const removed = (subscription: Existing, assignment: RoleAssignment): SubscriptionRbacEvent => ({
  type: 'SubscriptionRoleAssignmentRemoved',
  data: {
    subscriptionId: subscription.subscriptionId,
    customerTenantId: subscription.customerTenantId,
    ...assignment,
    ...partnerOf(assignment.principal),
  },
});

function removeAssignment(
  command: Of<'RemoveSubscriptionRoleAssignment'>,
  state: SubscriptionRbacState,
): SubscriptionRbacEvent[] {
  const subscription = visible(state, command.actor);
  assertMayManageAccess(command.actor, subscription);
  assertNotCancelled(subscription);
  const assignment = subscription.assignments.find((a) => a.assignmentId === command.assignmentId);
  // One the caller may not see listed (R17) is no more there for it than an unknown id.
  if (!assignment || !assignmentSeenBy(command.actor, assignment.principal)) {
    throw notFound('No such role assignment on this subscription.');
  }
  return [removed(subscription, assignment)];
}

/**
 * R70: decided on the stream as it is, not on a list read earlier, so an assignment the partner
 * made meanwhile (its Owner still held) is removed too, or its append fails behind this one; only a
 * role the customer gave the partner's groups again after asking is left alone.
 */
function removePartnerAssignments(
  command: Of<'RemovePartnerRoleAssignments'>,
  state: SubscriptionRbacState,
): SubscriptionRbacEvent[] {
  const subscription = visible(state, command.actor);
  assertMayManageAccess(command.actor, subscription);
  const kept = new Set(command.keepAssignmentIds);
  return subscription.assignments
    .filter(({ principal }) => isGroupOf(command.partnerTenantId, principal))
    .filter(({ assignmentId }) => !kept.has(assignmentId))
    .map((assignment) => removed(subscription, assignment));
}

function cancel(
  command: Of<'CancelAzureSubscription'>,
  state: SubscriptionRbacState,
): SubscriptionRbacEvent[] {
  const subscription = visible(state, command.actor);
  const { actor } = command;
  const mayCancel =
    (isCustomerGlobalAdmin(actor) && actor.tenantId === subscription.customerTenantId) ||
    (isPartnerUser(actor, 'AdminAgent') &&
      actor.tenantId === subscription.provisionedByPartnerTenantId);
  if (!mayCancel) {
    throw forbidden(
      'R9',
      'Only the customer’s Global admin, or an Admin Agent of the partner that provisioned it, may cancel a subscription.',
    );
  }
  if (subscription.cancelled)
    throw preconditionFailed('R9', 'This subscription is already cancelled.');
  return [
    {
      type: 'AzureSubscriptionCancelled',
      data: {
        subscriptionId: subscription.subscriptionId,
        customerTenantId: subscription.customerTenantId,
        ...(subscription.provisionedByPartnerTenantId
          ? { partnerTenantId: subscription.provisionedByPartnerTenantId }
          : {}),
      },
    },
  ];
}

/** One Azure subscription's own role assignments (R20–R25), independent of DAP. */
export const subscriptionRbacDecider: Decider<
  SubscriptionRbacCommand,
  SubscriptionRbacEvent,
  SubscriptionRbacState
> = {
  initialState: { exists: false },

  evolve(state, event) {
    switch (event.type) {
      case 'AzureSubscriptionProvisioned':
      case 'AzureSubscriptionRegistered':
        return {
          exists: true,
          subscriptionId: event.data.subscriptionId,
          displayName: event.data.displayName,
          customerTenantId: event.data.customerTenantId,
          provisionedByPartnerTenantId:
            event.type === 'AzureSubscriptionProvisioned' ? event.data.partnerTenantId : null,
          assignments: [],
          cancelled: false,
        };
      case 'SubscriptionRoleAssigned': {
        if (!state.exists) return state;
        const { assignmentId, role, roleDefinitionId, principal } = event.data;
        return {
          ...state,
          assignments: [...state.assignments, { assignmentId, role, roleDefinitionId, principal }],
        };
      }
      case 'SubscriptionRoleAssignmentRemoved':
        return state.exists
          ? {
              ...state,
              assignments: state.assignments.filter(
                (a) => a.assignmentId !== event.data.assignmentId,
              ),
            }
          : state;
      case 'AzureSubscriptionCancelled':
        return state.exists ? { ...state, cancelled: true } : state;
      case 'AzureSubscriptionProvisioningVoided':
        return state.exists ? state : { exists: false, voided: true };
      default:
        return unhandled(state, event);
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'ProvisionAzureSubscription':
        return provision(command, state);
      case 'RegisterAzureSubscription':
        return register(command, state);
      case 'VoidUnfinishedProvisioning':
        return voidUnfinished(command, state);
      case 'AssignSubscriptionRole':
        return assign(command, state);
      case 'RemoveSubscriptionRoleAssignment':
        return removeAssignment(command, state);
      case 'RemovePartnerRoleAssignments':
        return removePartnerAssignments(command, state);
      case 'CancelAzureSubscription':
        return cancel(command, state);
      default:
        return assertNever(command);
    }
  },
};
