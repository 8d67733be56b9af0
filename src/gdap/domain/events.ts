import type { EventSchemas } from '../../platform/domain/event-evolution';
import type { EmailDraft } from '../../invitations/domain/events';
import type { DirectoryRole } from './role-catalogue';

/** Graph's `delegatedAdminRelationshipStatus` values this product records. */
export type GdapRelationshipStatus =
  | 'created'
  | 'approvalPending'
  | 'active'
  | 'expiring'
  | 'expired'
  | 'terminationRequested'
  | 'terminated';

/** Graph's `delegatedAdminAccessAssignmentStatus`. */
export type GdapAssignmentStatus = 'pending' | 'active' | 'deleting' | 'deleted';

/**
 * A partner security group: the three built in (members by token role, as today: AdminAgent,
 * HelpdeskAgent, SalesAgent) or one the partner defines (a lower-case slug; members are the
 * users whose token lists it among their roles).
 */
export type SecurityGroupId = string;

/** Every GDAP event names its pair in the same top-level fields. */
interface Pair {
  relationshipId: string;
  partnerTenantId: string;
  customerTenantId: string;
}

/** What a partner edits of a relationship (R61, and R65 while active). */
export interface EditableFields {
  displayName: string;
  duration: string;
  roles: DirectoryRole[];
  autoExtendDuration: string;
}

export type GdapEvent =
  | {
      type: 'DelegatedAdminRelationshipCreated';
      data: Pair & {
        partnerName: string;
        displayName: string;
        duration: string;
        roles: DirectoryRole[];
        autoExtendDuration: string;
        /** Graph's customer.displayName as the partner gave it (R60); absent when not given. */
        customerDisplayName?: string;
      };
    }
  | {
      type: 'DelegatedAdminRelationshipUpdated';
      data: Pair &
        EditableFields & {
          /** R61: the customer renamed by the partner; absent, its name stays. */
          customerDisplayName?: string;
          /** The fields as they were, so the change explains itself (absent before 2026-12-03). */
          before?: EditableFields;
        };
    }
  | { type: 'DelegatedAdminRelationshipDeleted'; data: Pair }
  | {
      type: 'DelegatedAdminRelationshipApprovalRequested';
      data: Pair & { approvalUrl: string; emailDraft: EmailDraft; expiresAt: string };
    }
  | {
      type: 'DelegatedAdminRelationshipApproved';
      data: Pair & {
        approvedByUserId: string;
        activatedAt: string;
        endDateTime: string;
        /** R62: the customer's name as its approving admin's token gives it, when it does. */
        customerDisplayName?: string;
        /** R16: the customer's domain as that token gives it (absent before 2026-12-08). */
        customerDomain?: string;
      };
    }
  | { type: 'DelegatedAdminRelationshipApprovalExpired'; data: Pair }
  | { type: 'DelegatedAdminRelationshipExpiring'; data: Pair & { endDateTime: string } }
  | { type: 'DelegatedAdminRelationshipExpired'; data: Pair & { endDateTime: string } }
  | {
      type: 'DelegatedAdminRelationshipAutoExtended';
      data: Pair & { previousEndDateTime: string; endDateTime: string };
    }
  | {
      type: 'DelegatedAdminRelationshipTerminationRequested';
      data: Pair & { requestedBy: 'PARTNER' | 'CUSTOMER' };
    }
  | { type: 'DelegatedAdminRelationshipTerminated'; data: Pair }
  | {
      type: 'DelegatedAdminAccessAssignmentCreated';
      data: Pair & {
        assignmentId: string;
        securityGroupId: SecurityGroupId;
        roles: DirectoryRole[];
      };
    }
  | {
      /** R66: the partner changed the roles a group holds through an assignment, at once. */
      type: 'DelegatedAdminAccessAssignmentUpdated';
      data: Pair & {
        assignmentId: string;
        securityGroupId: SecurityGroupId;
        roles: DirectoryRole[];
        /** The roles it held until then, so the change explains itself. */
        before: DirectoryRole[];
      };
    }
  | { type: 'DelegatedAdminAccessAssignmentActivated'; data: Pair & { assignmentId: string } }
  | {
      type: 'DelegatedAdminAccessAssignmentDeletionRequested';
      data: Pair & { assignmentId: string };
    }
  | { type: 'DelegatedAdminAccessAssignmentDeleted'; data: Pair & { assignmentId: string } };

export type GdapEventType = GdapEvent['type'];

/**
 * R70: a customer's Global admin asked to end every grant a partner holds in its tenant (stream
 * `partneraccess-<partner>_<customer>`). Recorded before any grant is ended, so a crash midway is
 * finished from it by the policy reactor (revoke-partner-access.policy.ts).
 */
export type PartnerAccessEvent = {
  type: 'PartnerAccessRevocationRequested';
  data: { partnerTenantId: string; customerTenantId: string; requestedAt: string };
};

/**
 * R70 on `gdap-<partner>`: a customer's request to end all the partner's access is ending its GDAP
 * relationships. From `GdapRevocationStarted` (appended whatever the stream's revision) until the
 * termination's own append records `GdapRevocationFinished`, the partner's GDAP changes are refused
 * (try again), so the partner's traffic on the stream cannot keep the termination from appending.
 */
export type GdapRevocationEvent =
  | { type: 'GdapRevocationStarted'; data: { partnerTenantId: string; customerTenantId: string } }
  | { type: 'GdapRevocationFinished'; data: { partnerTenantId: string; customerTenantId: string } };

/** Everything recorded on `gdap-<partner>`. */
export type GdapStreamEvent = GdapEvent | GdapRevocationEvent;

export const GDAP_REVOCATION_EVENTS = {
  GdapRevocationStarted: { version: 1 },
  GdapRevocationFinished: { version: 1 },
} satisfies EventSchemas<GdapRevocationEvent>;

export const PARTNER_ACCESS_EVENTS = {
  PartnerAccessRevocationRequested: { version: 1 },
} satisfies EventSchemas<PartnerAccessEvent>;

/** The schema version of each GDAP event (platform/domain/event-evolution.ts). */
export const GDAP_EVENTS = {
  DelegatedAdminRelationshipCreated: { version: 1 },
  DelegatedAdminRelationshipUpdated: { version: 1 },
  DelegatedAdminRelationshipDeleted: { version: 1 },
  DelegatedAdminRelationshipApprovalRequested: { version: 1 },
  DelegatedAdminRelationshipApproved: { version: 1 },
  DelegatedAdminRelationshipApprovalExpired: { version: 1 },
  DelegatedAdminRelationshipExpiring: { version: 1 },
  DelegatedAdminRelationshipExpired: { version: 1 },
  DelegatedAdminRelationshipAutoExtended: { version: 1 },
  DelegatedAdminRelationshipTerminationRequested: { version: 1 },
  DelegatedAdminRelationshipTerminated: { version: 1 },
  DelegatedAdminAccessAssignmentCreated: { version: 1 },
  DelegatedAdminAccessAssignmentUpdated: { version: 1 },
  DelegatedAdminAccessAssignmentActivated: { version: 1 },
  DelegatedAdminAccessAssignmentDeletionRequested: { version: 1 },
  DelegatedAdminAccessAssignmentDeleted: { version: 1 },
} satisfies EventSchemas<GdapEvent>;
