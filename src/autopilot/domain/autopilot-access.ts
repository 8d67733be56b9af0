import type { DeviceOrigin } from './events';
import { type Actor, isCustomerGlobalAdmin } from '../../platform/domain/actor';
import { forbidden, notFound, type RuleId } from '../../platform/domain/domain-error';
import {
  DAP_WAS_REMOVED,
  type DapStatus,
  GROUP_OF_ROLE,
  type PartnerRoleName,
  partnerRolesOf,
  type Verdict,
} from '../../delegated-admin/domain/partner-capabilities';
import {
  directoryRoleAllowing,
  type EffectiveDirectoryRole,
  type GdapGrant,
  gdapReason,
  noGdapRoleAllowing,
} from '../../gdap/domain/effective-roles';
import type { SecurityGroupId } from '../../gdap/domain/events';
import { groupsOfTokenRoles } from '../../gdap/domain/security-groups';

export const AUTOPILOT_POLICIES = ['current', 'dap-required'] as const;
/** AUTOPILOT_POLICY: `current` is R30–R32; `dap-required` is R35. */
export type AutopilotPolicy = (typeof AUTOPILOT_POLICIES)[number];

/** What a caller may do on one profile or device now (R36). */
export const AUTOPILOT_OPERATIONS = [
  'UPDATE_PROFILE',
  'DELETE_PROFILE',
  'ASSIGN_PROFILE',
  'UNASSIGN_PROFILE',
  'REMOVE_DEVICE',
] as const;
export type AutopilotOperation = (typeof AUTOPILOT_OPERATIONS)[number];

/** The Autopilot actions effectiveAccess answers for (R40). */
export const AUTOPILOT_ACTIONS = [
  'MANAGE_AUTOPILOT_PROFILES',
  'ADD_AUTOPILOT_DEVICES',
  'MANAGE_AUTOPILOT_DEVICES',
] as const;
export type AutopilotAction = (typeof AUTOPILOT_ACTIONS)[number];

/** What is true now between the caller's tenant and the customer, and which policy applies. */
export interface AutopilotFacts {
  relationshipActive: boolean;
  dapStatus: DapStatus;
  policy: AutopilotPolicy;
  /** The pair's GDAP grants in force (R67); absent: none. */
  gdapGrants?: readonly GdapGrant[];
  /**
   * With no reseller relationship, whether the customer is still on the partner's Customers page
   * through GDAP alone (R16): the partner knows it, so a refusal may say why.
   */
  listedThroughGdap?: boolean;
}

/**
 * R35 as R67 reads it: under `dap-required`, "DAP" means DAP or a GDAP role that allows Autopilot
 * (Global or Intune Administrator) held by one of the caller's groups; the grant, or undefined.
 */
function directoryGrant(
  groups: readonly SecurityGroupId[],
  facts: AutopilotFacts,
): EffectiveDirectoryRole | undefined {
  return directoryRoleAllowing(
    groups,
    {
      dapActive: facts.relationshipActive && facts.dapStatus === 'ACTIVE',
      gdapGrants: facts.gdapGrants ?? [],
    },
    'AUTOPILOT',
  );
}

const viaGdap = (grant: EffectiveDirectoryRole | undefined): grant is EffectiveDirectoryRole =>
  grant?.source.kind === 'GDAP';

type DeviceOperation = Extract<
  AutopilotOperation,
  'ASSIGN_PROFILE' | 'UNASSIGN_PROFILE' | 'REMOVE_DEVICE'
>;

/** One thing a caller wants to do in a customer's Autopilot. */
export type AutopilotAct =
  | { kind: 'MANAGE_PROFILES' }
  | { kind: 'ADD_DEVICES' }
  | { kind: DeviceOperation; addedBy: DeviceOrigin };

const ROLES_NEEDED: Record<AutopilotAct['kind'], PartnerRoleName[]> = {
  MANAGE_PROFILES: ['ADMIN_AGENT'],
  ADD_DEVICES: ['ADMIN_AGENT', 'SALES_AGENT'],
  ASSIGN_PROFILE: ['ADMIN_AGENT'],
  UNASSIGN_PROFILE: ['ADMIN_AGENT'],
  REMOVE_DEVICE: ['ADMIN_AGENT'],
};

const WHAT: Record<AutopilotAct['kind'], string> = {
  MANAGE_PROFILES: 'create, update or delete Autopilot profiles',
  ADD_DEVICES: 'add Autopilot devices',
  ASSIGN_PROFILE: 'assign Autopilot profiles to devices',
  UNASSIGN_PROFILE: 'remove Autopilot profiles from devices',
  REMOVE_DEVICE: 'remove Autopilot devices',
};

const ON_ANY_DEVICE: Record<DeviceOperation, string> = {
  ASSIGN_PROFILE: 'assign profiles to any device of the customer',
  UNASSIGN_PROFILE: 'remove profiles from any device of the customer',
  REMOVE_DEVICE: 'remove any device of the customer',
};

const ROLE_LABEL: Record<PartnerRoleName, string> = {
  ADMIN_AGENT: 'Admin Agents',
  SALES_AGENT: 'Sales Agents',
  HELPDESK_AGENT: 'Helpdesk Agents',
};

const SOURCE_LABEL: Record<DeviceOrigin['source'], string> = {
  PARTNER: 'a partner',
  STORE_FOR_BUSINESS: 'the customer through Microsoft Store for Business',
  STORE_FOR_EDUCATION: 'the customer through Microsoft Store for Education',
  INTUNE: 'the customer through Microsoft Intune',
};

const allow = (rule: RuleId, reason: string): Verdict => ({ allowed: true, reason, rule });
const deny = (rule: RuleId, reason: string): Verdict => ({ allowed: false, reason, rule });

function whoAdded(addedBy: DeviceOrigin, partnerTenantId: string): string {
  if (addedBy.source !== 'PARTNER') return SOURCE_LABEL[addedBy.source];
  return addedBy.partnerTenantId === partnerTenantId ? 'this partner' : 'another partner';
}

function withoutDap(dapStatus: DapStatus, groups: readonly SecurityGroupId[]): string {
  const dap =
    dapStatus === 'REMOVED'
      ? `this partner’s ${DAP_WAS_REMOVED}`
      : 'this partner holds no delegated admin privileges for the customer';
  return `${dap} and ${noGdapRoleAllowing(groups, 'AUTOPILOT', 'managing Autopilot').missing}`;
}

/** R35, R67: under `dap-required`, may a partner's Admin Agents manage profiles. */
function profilesVerdict(
  grant: EffectiveDirectoryRole | undefined,
  dapStatus: DapStatus,
  groups: readonly SecurityGroupId[],
): Verdict {
  if (viaGdap(grant))
    return allow('R67', gdapReason(grant, 'managing Autopilot profiles (dap-required)'));
  return grant
    ? allow(
        'R35',
        'The partner holds delegated admin privileges, which the dap-required Autopilot policy asks for to manage profiles.',
      )
    : deny(
        'R35',
        `The dap-required Autopilot policy needs delegated admin privileges or a GDAP role that allows it to add, update or remove profiles, and ${withoutDap(dapStatus, groups)}.`,
      );
}

/** R32, R35: may a partner's Admin Agents act on a device, given who added it. */
function deviceVerdict(
  kind: DeviceOperation,
  addedBy: DeviceOrigin,
  partnerTenantId: string,
  facts: AutopilotFacts,
  groups: readonly SecurityGroupId[],
): Verdict {
  const who = whoAdded(addedBy, partnerTenantId);
  const grant = directoryGrant(groups, facts);
  if (facts.policy === 'current') {
    return addedBy.source === 'PARTNER'
      ? allow(
          'R32',
          `This device was added by ${who}; partners may manage devices that they or another partner added, without DAP.`,
        )
      : deny(
          'R32',
          `This device was added by ${who}; partners may not manage devices the customer added.`,
        );
  }
  if (viaGdap(grant)) {
    return allow('R67', gdapReason(grant, `that it ${ON_ANY_DEVICE[kind]} (dap-required)`));
  }
  if (grant) {
    return allow(
      'R35',
      `With delegated admin privileges a partner may ${ON_ANY_DEVICE[kind]}, including those the customer added (Autopilot policy dap-required).`,
    );
  }
  if (kind !== 'REMOVE_DEVICE') {
    return deny(
      'R35',
      `Under the dap-required Autopilot policy assigning and removing profiles needs delegated admin privileges or a GDAP role that allows it, and ${withoutDap(facts.dapStatus, groups)}.`,
    );
  }
  const addedItself = addedBy.source === 'PARTNER' && addedBy.partnerTenantId === partnerTenantId;
  return addedItself
    ? allow(
        'R35',
        'Without delegated admin privileges or a GDAP role that allows it, a partner may remove only devices it added itself, and this partner added this one (Autopilot policy dap-required).',
      )
    : deny(
        'R35',
        `Without delegated admin privileges or a GDAP role that allows it, a partner may remove only devices it added itself; this one was added by ${who} (Autopilot policy dap-required).`,
      );
}

/**
 * R30, R32, R35: may a partner user holding `roles` (members of their groups, and of `groups` the
 * partner defined, R66) do `act` in the customer's Autopilot, and why.
 */
export function partnerRolesMayAutopilot(
  roles: readonly PartnerRoleName[],
  partnerTenantId: string,
  act: AutopilotAct,
  facts: AutopilotFacts,
  groups: readonly SecurityGroupId[] = roles.map((role) => GROUP_OF_ROLE[role]),
): Verdict {
  if (!facts.relationshipActive) {
    return deny(
      'R30',
      'Autopilot rights come with an active reseller relationship, and this partner has none with the customer.',
    );
  }
  const needed = ROLES_NEEDED[act.kind];
  if (!roles.some((role) => needed.includes(role))) {
    const who = needed.map((role) => ROLE_LABEL[role]).join(' and ');
    return deny('R30', `Only ${who} may ${WHAT[act.kind]}.`);
  }
  switch (act.kind) {
    case 'ADD_DEVICES':
      return allow(
        'R30',
        'Admin and Sales Agents of a partner with a reseller relationship may add devices; no DAP is needed.',
      );
    case 'MANAGE_PROFILES':
      if (facts.policy === 'current') {
        return allow(
          'R30',
          'A partner with a reseller relationship manages the customer’s Autopilot profiles without DAP (Autopilot policy current).',
        );
      }
      return profilesVerdict(directoryGrant(groups, facts), facts.dapStatus, groups);
    default:
      return deviceVerdict(act.kind, act.addedBy, partnerTenantId, facts, groups);
  }
}

/** R30: the customer's own Global admin may add devices; profiles and devices are the partners' to manage. */
function customerMayAutopilot(actor: Actor, customerTenantId: string, act: AutopilotAct): Verdict {
  if (act.kind !== 'ADD_DEVICES') {
    return deny(
      'R30',
      `The customer’s Global admin may add devices; only its partners’ Admin Agents ${WHAT[act.kind]} here.`,
    );
  }
  return isCustomerGlobalAdmin(actor) && actor.tenantId === customerTenantId
    ? allow('R30', 'The customer’s Global admin may add devices.')
    : deny('R30', 'Only a Global admin of the customer tenant may add its Autopilot devices.');
}

/** The caller's verdict on `act`, whoever the caller is (R30–R32, R35). */
export function actorMayAutopilot(
  actor: Actor,
  customerTenantId: string,
  act: AutopilotAct,
  facts: AutopilotFacts,
): Verdict {
  switch (actor.tenantKind) {
    case 'partner':
      return partnerRolesMayAutopilot(
        partnerRolesOf(actor.roles),
        actor.tenantId,
        act,
        facts,
        groupsOfTokenRoles(actor.roles),
      );
    case 'customer':
      return customerMayAutopilot(actor, customerTenantId, act);
    case 'operator':
      return deny('R30', 'The operator does not manage customers’ Autopilot.');
  }
}

/** R17: what a caller that may not see a customer's Autopilot learns of it. */
const noSuchCustomer = () => notFound('No such customer among yours.');

/**
 * The command-side use of the same rules: refuses with the verdict's reason and rule. Another
 * customer's user learns nothing of this one (R17): NOT_FOUND, as its lists answer.
 */
export function assertMayAutopilot(
  actor: Actor,
  customerTenantId: string,
  act: AutopilotAct,
  facts: AutopilotFacts,
): void {
  if (actor.tenantKind === 'customer' && actor.tenantId !== customerTenantId) {
    throw noSuchCustomer();
  }
  const verdict = actorMayAutopilot(actor, customerTenantId, act, facts);
  if (!verdict.allowed) throw forbidden(verdict.rule, verdict.reason);
}

/**
 * Who sees a customer's Autopilot profiles and devices: users of a partner with an active
 * relationship, and the customer's own Global admin (R17: nobody else learns they exist).
 */
export function maySeeAutopilot(
  actor: Actor,
  customerTenantId: string,
  facts: Pick<AutopilotFacts, 'relationshipActive'>,
): boolean {
  if (actor.tenantKind === 'partner') return facts.relationshipActive;
  return isCustomerGlobalAdmin(actor) && actor.tenantId === customerTenantId;
}

export function assertMaySeeAutopilot(
  actor: Actor,
  customerTenantId: string,
  facts: Pick<AutopilotFacts, 'relationshipActive' | 'listedThroughGdap'>,
): void {
  if (maySeeAutopilot(actor, customerTenantId, facts)) return;
  if (actor.tenantKind === 'customer' && actor.tenantId === customerTenantId) {
    throw forbidden('R30', 'Only a Global admin of the customer tenant sees its Autopilot.');
  }
  if (actor.tenantKind === 'partner' && facts.listedThroughGdap) {
    throw forbidden(
      'R30',
      'Autopilot comes with a reseller relationship, and the partner has none with this customer: it is on the Customers page through GDAP alone.',
    );
  }
  throw noSuchCustomer();
}

/** R36: what the caller may do on a profile now. */
export function profileOperations(
  actor: Actor,
  customerTenantId: string,
  facts: AutopilotFacts,
): AutopilotOperation[] {
  return actorMayAutopilot(actor, customerTenantId, { kind: 'MANAGE_PROFILES' }, facts).allowed
    ? ['UPDATE_PROFILE', 'DELETE_PROFILE']
    : [];
}

export interface DeviceView {
  customerTenantId: string;
  addedBy: DeviceOrigin;
  profileId: string | null;
}

/** R36: what the caller may do on a device now; removing a profile needs one to be assigned. */
export function deviceOperations(
  actor: Actor,
  device: DeviceView,
  facts: AutopilotFacts,
): AutopilotOperation[] {
  const candidates: DeviceOperation[] = device.profileId
    ? ['ASSIGN_PROFILE', 'UNASSIGN_PROFILE', 'REMOVE_DEVICE']
    : ['ASSIGN_PROFILE', 'REMOVE_DEVICE'];
  return candidates.filter(
    (kind) =>
      actorMayAutopilot(actor, device.customerTenantId, { kind, addedBy: device.addedBy }, facts)
        .allowed,
  );
}

const ORIGINS = (partnerTenantId: string): { label: string; addedBy: DeviceOrigin }[] => [
  { label: 'this partner', addedBy: { source: 'PARTNER', partnerTenantId } },
  {
    label: 'other partners',
    addedBy: { source: 'PARTNER', partnerTenantId: null },
  },
  { label: 'the customer', addedBy: { source: 'INTUNE', partnerTenantId: null } },
];

function scopeOf(
  role: PartnerRoleName,
  partnerTenantId: string,
  kind: DeviceOperation,
  facts: AutopilotFacts,
  groups: readonly SecurityGroupId[],
): { labels: string[]; ownDevice: Verdict } {
  const judged = ORIGINS(partnerTenantId).map(({ label, addedBy }) => ({
    label,
    verdict: partnerRolesMayAutopilot([role], partnerTenantId, { kind, addedBy }, facts, groups),
  }));
  return {
    labels: judged.filter(({ verdict }) => verdict.allowed).map(({ label }) => label),
    ownDevice: judged[0].verdict,
  };
}

/**
 * R40: one partner role's answer for an Autopilot action (its members, also in `groups`).
 * MANAGE_AUTOPILOT_DEVICES depends on who added each device, so its reason spells out the scope,
 * derived from the same device rules.
 */
export function autopilotCapability(
  role: PartnerRoleName,
  partnerTenantId: string,
  action: AutopilotAction,
  facts: AutopilotFacts,
  groups: readonly SecurityGroupId[] = [GROUP_OF_ROLE[role]],
): Verdict {
  if (action === 'MANAGE_AUTOPILOT_PROFILES') {
    const act = { kind: 'MANAGE_PROFILES' } as const;
    return partnerRolesMayAutopilot([role], partnerTenantId, act, facts, groups);
  }
  if (action === 'ADD_AUTOPILOT_DEVICES') {
    const act = { kind: 'ADD_DEVICES' } as const;
    return partnerRolesMayAutopilot([role], partnerTenantId, act, facts, groups);
  }
  const assign = scopeOf(role, partnerTenantId, 'ASSIGN_PROFILE', facts, groups);
  const remove = scopeOf(role, partnerTenantId, 'REMOVE_DEVICE', facts, groups);
  // Removing its own devices is the least any Admin Agent may do: its refusal says why not.
  if (remove.labels.length === 0) return remove.ownDevice;
  const addedBy = (labels: string[]) => `devices added by ${labels.join(' or ')}`;
  const profiles = assign.labels.length
    ? `assign and remove profiles on ${addedBy(assign.labels)}, and`
    : 'not assign or remove profiles, but';
  const dap = facts.dapStatus === 'ACTIVE' ? 'with' : 'without';
  const scope = `Admin Agents may ${profiles} remove ${addedBy(remove.labels)} (Autopilot policy ${facts.policy}, ${dap} delegated admin privileges).`;
  const grant = facts.policy === 'dap-required' ? directoryGrant(groups, facts) : undefined;
  // R67: a GDAP role that opens every device names the relationship and assignment giving it.
  if (viaGdap(grant)) {
    return allow('R67', `${scope} ${gdapReason(grant, 'managing any device (dap-required)')}`);
  }
  return allow(facts.policy === 'current' ? 'R32' : 'R35', scope);
}
