import {
  type AutopilotAct,
  type AutopilotAction,
  AUTOPILOT_ACTIONS,
  autopilotCapability,
  type AutopilotPolicy,
  partnerRolesMayAutopilot,
} from '../../autopilot/domain/autopilot-access';
import type { SecurityGroupId } from '../../gdap/domain/events';
import {
  DAP_CAPABILITY_ACTIONS,
  GROUP_OF_ROLE,
  type PairFacts,
  type PartnerRoleName,
  partnerRolesMay,
  type Verdict,
} from '../../delegated-admin/domain/partner-capabilities';
import {
  mayProvisionSubscription,
  partnerRoleOnSubscription,
  SUBSCRIPTION_ACTIONS,
  type SubscriptionFacts,
} from '../../azure-subscriptions/domain/subscription-access';

/** Every action effectiveAccess answers for (R40). */
export const CAPABILITY_ACTIONS = [
  ...DAP_CAPABILITY_ACTIONS,
  ...SUBSCRIPTION_ACTIONS,
  ...AUTOPILOT_ACTIONS,
] as const;
export type CapabilityAction = (typeof CAPABILITY_ACTIONS)[number];

/** What is true now of a (partner, customer) pair, as far as the access rules care. */
export interface AccessSituation {
  partnerTenantId: string;
  pair: PairFacts;
  /** The customer's subscriptions the asker may see. */
  subscriptions: readonly SubscriptionFacts[];
  /** AUTOPILOT_POLICY, which the Autopilot actions depend on (R35). */
  autopilotPolicy: AutopilotPolicy;
  /**
   * The partner-defined groups of the user in question (R66): their GDAP roles count with each of
   * the user's roles, as they do in the commands (R67). None when asking about roles alone.
   */
  partnerDefinedGroups?: readonly SecurityGroupId[];
}

/** The subscription actions answered once per subscription; the others once per role. */
const PER_SUBSCRIPTION_ACTIONS = ['MANAGE_SUBSCRIPTION', 'MANAGE_SUBSCRIPTION_ACCESS'] as const;
const ANSWERS_PER_ROLE = CAPABILITY_ACTIONS.length - PER_SUBSCRIPTION_ACTIONS.length;

/**
 * The most subscriptions effectiveAccess can answer for about `roleCount` roles in at most
 * `maxAnswers` answers; negative when not even the answers about no subscription fit.
 */
export function subscriptionsWithin(roleCount: number, maxAnswers: number): number {
  if (roleCount === 0) return Infinity;
  const perRole = Math.floor(maxAnswers / roleCount);
  return Math.floor((perRole - ANSWERS_PER_ROLE) / PER_SUBSCRIPTION_ACTIONS.length);
}

export interface CapabilityAnswer extends Verdict {
  role: PartnerRoleName;
  action: CapabilityAction;
  subscriptionId: string | null;
}

/**
 * R40: for each partner role, each action, allowed or not and why; subscription actions once per
 * subscription. The same functions decide the commands, so the answer cannot disagree with them.
 */
export function effectiveAccess(
  roles: readonly PartnerRoleName[],
  situation: AccessSituation,
): CapabilityAnswer[] {
  return roles.flatMap((role) => {
    const groups = [GROUP_OF_ROLE[role], ...(situation.partnerDefinedGroups ?? [])];
    return answersOf(role, groups, situation);
  });
}

function answersOf(
  role: PartnerRoleName,
  groups: readonly SecurityGroupId[],
  situation: AccessSituation,
): CapabilityAnswer[] {
  return [
    ...DAP_CAPABILITY_ACTIONS.map((action) =>
      answer(role, action, null, partnerRolesMay([role], action, situation.pair, groups)),
    ),
    answer(
      role,
      'PROVISION_SUBSCRIPTION',
      null,
      mayProvisionSubscription([role], situation.pair.relationshipActive),
    ),
    ...situation.subscriptions.flatMap((subscription) =>
      PER_SUBSCRIPTION_ACTIONS.map((action) =>
        answer(
          role,
          action,
          subscription.subscriptionId,
          partnerRoleOnSubscription(role, situation.partnerTenantId, action, subscription),
        ),
      ),
    ),
    ...AUTOPILOT_ACTIONS.map((action) =>
      answer(
        role,
        action,
        null,
        autopilotCapability(
          role,
          situation.partnerTenantId,
          action,
          { ...situation.pair, policy: situation.autopilotPolicy },
          groups,
        ),
      ),
    ),
  ];
}

/** The actions a group's members are answered for: those directory roles decide (R67). */
export const GROUP_CAPABILITY_ACTIONS = [...DAP_CAPABILITY_ACTIONS, ...AUTOPILOT_ACTIONS] as const;

/** What the members of one security group may do through it alone (R67). */
export interface GroupCapabilityAnswer extends Verdict {
  securityGroupId: SecurityGroupId;
  action: (typeof GROUP_CAPABILITY_ACTIONS)[number];
}

/** The Autopilot act each action is judged by, for a group (its members' own devices). */
const AUTOPILOT_ACT = (partnerTenantId: string): Record<AutopilotAction, AutopilotAct> => ({
  MANAGE_AUTOPILOT_PROFILES: { kind: 'MANAGE_PROFILES' },
  ADD_AUTOPILOT_DEVICES: { kind: 'ADD_DEVICES' },
  MANAGE_AUTOPILOT_DEVICES: {
    kind: 'REMOVE_DEVICE',
    addedBy: { source: 'PARTNER', partnerTenantId },
  },
});

/**
 * R40, R67: for each group the partner defined, what its members may do through it alone: the
 * directory actions (granted by its GDAP roles, with the relationship and assignment that grant
 * each) and Autopilot (which needs a partner role as well, R30, R35). A member holding no partner
 * role gets exactly this from the commands; for one holding a role, the group's roles also count
 * in that role's answers (`effectiveAccess`).
 */
export function groupAccess(
  groups: readonly SecurityGroupId[],
  situation: Omit<AccessSituation, 'subscriptions' | 'partnerDefinedGroups'>,
): GroupCapabilityAnswer[] {
  const { partnerTenantId, pair, autopilotPolicy } = situation;
  const autopilotFacts = { ...pair, policy: autopilotPolicy };
  return [...new Set(groups)].flatMap((securityGroupId) => [
    ...DAP_CAPABILITY_ACTIONS.map((action) => ({
      securityGroupId,
      action,
      ...partnerRolesMay([], action, pair, [securityGroupId]),
    })),
    ...AUTOPILOT_ACTIONS.map((action) => ({
      securityGroupId,
      action,
      ...partnerRolesMayAutopilot(
        [],
        partnerTenantId,
        AUTOPILOT_ACT(partnerTenantId)[action],
        autopilotFacts,
        [securityGroupId],
      ),
    })),
  ]);
}

const answer = (
  role: PartnerRoleName,
  action: CapabilityAction,
  subscriptionId: string | null,
  verdict: Verdict,
): CapabilityAnswer => ({ role, action, subscriptionId, ...verdict });
