import type { Actor } from '../../platform/domain/actor';

export interface RequestedRole {
  roleTemplateId: string;
  displayName?: string | null;
}

export type GdapCommand =
  | {
      type: 'CreateDelegatedAdminRelationship';
      actor: Actor;
      relationshipId: string;
      customerTenantId: string;
      /** Graph's customer.displayName, when the partner gives one. */
      customerDisplayName?: string | null;
      displayName: string;
      duration: string;
      roles: RequestedRole[];
      autoExtendDuration?: string | null;
    }
  | {
      type: 'UpdateDelegatedAdminRelationship';
      actor: Actor;
      relationshipId: string;
      /** Graph's customer in an edit: it must be the relationship's own. */
      customerTenantId?: string | null;
      customerDisplayName?: string | null;
      displayName?: string | null;
      duration?: string | null;
      roles?: RequestedRole[] | null;
      autoExtendDuration?: string | null;
    }
  | { type: 'DeleteDelegatedAdminRelationship'; actor: Actor; relationshipId: string }
  | {
      type: 'RequestDelegatedAdminRelationshipApproval';
      actor: Actor;
      relationshipId: string;
      /** Where the customer approves (settings). */
      approvalBaseUrl: string;
    }
  | { type: 'ApproveDelegatedAdminRelationship'; actor: Actor; relationshipId: string }
  | { type: 'TerminateDelegatedAdminRelationship'; actor: Actor; relationshipId: string }
  | {
      type: 'CreateDelegatedAdminAccessAssignment';
      actor: Actor;
      relationshipId: string;
      assignmentId: string;
      securityGroupId: string;
      roleTemplateIds: string[];
    }
  | {
      type: 'UpdateDelegatedAdminAccessAssignment';
      actor: Actor;
      relationshipId: string;
      assignmentId: string;
      roleTemplateIds: string[];
    }
  | {
      type: 'DeleteDelegatedAdminAccessAssignment';
      actor: Actor;
      relationshipId: string;
      assignmentId: string;
    }
  /** R69: the scheduler records every transition due by `now` (the decide's clock). */
  | { type: 'RecordDueTransitions' }
  /**
   * R70: the customer ends every GDAP relationship it has with this partner that was active when
   * it asked: one approved after the request in the log (`approvedSinceRequest`, read from the
   * stream on every attempt, never from clocks), when the request is finished after a crash, stays.
   */
  | {
      type: 'TerminateAllForCustomer';
      actor: Actor;
      partnerTenantId: string;
      customerTenantId: string;
      approvedSinceRequest: readonly string[];
    };
