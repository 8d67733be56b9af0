import type { AutopilotPolicy } from '../../autopilot/domain/autopilot-access';
import {
  type NamedSubscription,
  subscriptionLabel,
} from '../../azure-subscriptions/domain/subscription-access';
import { isGroupOf } from '../../azure-subscriptions/domain/azure-roles';
import type { DapStatus } from '../../delegated-admin/domain/partner-capabilities';
import { type Actor, isCustomerGlobalAdmin } from '../../platform/domain/actor';
import { DomainError, forbidden } from '../../platform/domain/domain-error';
import type { GdapAssignmentStatus, GdapRelationshipStatus } from './events';
import type { DirectoryRole } from './role-catalogue';

export type PartnerGrantKind =
  | 'DELEGATED_ADMIN'
  | 'GDAP_RELATIONSHIP'
  | 'GDAP_ACCESS_ASSIGNMENT'
  | 'SUBSCRIPTION_ROLE_ASSIGNMENT'
  | 'AUTOPILOT'
  | 'RESELLER_RELATIONSHIP';

/** One grant a partner holds in the customer's tenant, and what revoking all access does to it. */
export interface PartnerGrant {
  kind: PartnerGrantKind;
  /** The grant's id: relationship, assignment or subscription role assignment (null for DAP, Autopilot). */
  id: string | null;
  description: string;
  /** What `revokePartnerAccess` changes; for a grant it leaves, why. */
  change: string;
  endsOnRevoke: boolean;
}

/** What the customer's read side knows of one partner in its tenant. */
export interface PartnerAccessFacts {
  partnerName: string;
  relationshipActive: boolean;
  dap: { status: DapStatus; roles: readonly string[] };
  gdap: readonly {
    relationshipId: string;
    displayName: string;
    status: GdapRelationshipStatus;
    roles: readonly DirectoryRole[];
    endDateTime: string | null;
    assignments: readonly {
      assignmentId: string;
      securityGroupId: string;
      roles: readonly DirectoryRole[];
      status: GdapAssignmentStatus;
    }[];
  }[];
  subscriptions: readonly NamedSubscription[];
  autopilotPolicy: AutopilotPolicy;
}

const roleNames = (roles: readonly { displayName: string }[]) =>
  roles.map((role) => role.displayName).join(', ');

/** R68, R70: only the customer's Global admin sees or ends a partner's access in its tenant. */
export function assertMayRevokePartnerAccess(
  actor: Actor,
  customerTenantId = actor.tenantId,
): string {
  if (!isCustomerGlobalAdmin(actor) || actor.tenantId !== customerTenantId) {
    throw forbidden(
      'R68',
      'Only a Global admin of the customer tenant may end a partner’s access.',
    );
  }
  return actor.tenantId;
}

/** R70: revoking everything needs `confirm: true`; without it nothing changes. */
export function assertConfirmed(confirm: boolean): void {
  if (confirm) return;
  throw new DomainError(
    'CONFIRMATION_REQUIRED',
    'Ending this partner’s access ends every grant previewRevokePartnerAccess lists as ending; nothing was changed. Repeat with confirm: true.',
    'R70',
  );
}

/**
 * R68: every grant the partner holds in the tenant (DAP, each GDAP relationship and assignment,
 * each Azure role assignment of its groups, Autopilot rights) and what ending each changes.
 */
export function partnerGrants(partnerTenantId: string, facts: PartnerAccessFacts): PartnerGrant[] {
  const grants: PartnerGrant[] = [];
  if (facts.dap.status === 'ACTIVE') {
    grants.push({
      kind: 'DELEGATED_ADMIN',
      id: null,
      description: `DAP: ${facts.dap.roles.join(', ')} for the partner’s Admin and Helpdesk Agents.`,
      change:
        'Removed (R12): the partner’s groups lose these roles; the reseller relationship stays.',
      endsOnRevoke: true,
    });
  }
  for (const relationship of facts.gdap) {
    if (relationship.status !== 'active' && relationship.status !== 'expiring') continue;
    grants.push({
      kind: 'GDAP_RELATIONSHIP',
      id: relationship.relationshipId,
      description: `GDAP relationship “${relationship.displayName}” (${relationship.status}, until ${relationship.endDateTime}): ${roleNames(relationship.roles)}.`,
      change: 'Terminated (R64): it grants nothing from now on, and cannot be extended.',
      endsOnRevoke: true,
    });
    for (const assignment of relationship.assignments) {
      const holds = assignment.status === 'active' || assignment.status === 'pending';
      if (!holds || assignment.roles.length === 0) continue; // emptied by R65: it grants nothing
      grants.push({
        kind: 'GDAP_ACCESS_ASSIGNMENT',
        id: assignment.assignmentId,
        description: `${assignment.securityGroupId} holds ${roleNames(assignment.roles)} through “${relationship.displayName}”.`,
        change: 'Ends with its relationship: the group loses these roles.',
        endsOnRevoke: true,
      });
    }
  }
  for (const subscription of facts.subscriptions) {
    for (const assignment of subscription.assignments) {
      const { principal } = assignment;
      if (!isGroupOf(partnerTenantId, principal)) continue;
      grants.push({
        kind: 'SUBSCRIPTION_ROLE_ASSIGNMENT',
        id: assignment.assignmentId,
        description: `${principal.group} hold ${assignment.role} on Azure subscription ${subscriptionLabel(subscription)}.`,
        change: 'Removed (R24): the partner’s group loses this role; the subscription stays.',
        endsOnRevoke: true,
      });
    }
  }
  if (facts.relationshipActive) {
    grants.push({
      kind: 'RESELLER_RELATIONSHIP',
      id: null,
      description:
        'Reseller relationship: the partner provisions new Azure subscriptions for the customer, its Admin Agents becoming Owner of each (R22).',
      change:
        'Kept: only the partner’s Admin Agents end the reseller relationship (R9). A subscription it provisions afterwards makes its Admin Agents Owner again; the customer removes that role assignment (R24).',
      endsOnRevoke: false,
    });
    grants.push({
      kind: 'AUTOPILOT',
      id: null,
      description:
        facts.autopilotPolicy === 'current'
          ? 'Autopilot: the partner manages profiles and the devices partners added, through the reseller relationship (R30–R32).'
          : 'Autopilot: the partner adds devices through the reseller relationship; more with DAP or a GDAP role (R35).',
      change:
        facts.autopilotPolicy === 'current'
          ? 'Kept: Autopilot rights come with the reseller relationship, which only the partner ends (R9).'
          : 'Reduced to adding devices and removing its own: DAP and GDAP end (R35); the rest comes with the reseller relationship, which only the partner ends (R9).',
      endsOnRevoke: false,
    });
  }
  return grants;
}
