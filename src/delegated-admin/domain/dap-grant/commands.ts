import type { Actor } from '../../../platform/domain/actor';
import type { CustomerIdentity } from '../../../invitations/domain/events';
import type { DapRemovalReason } from './events';

/** R12: the customer's Global admin removes a partner's DAP (confirm must be true). */
export type RemoveDelegatedAdminPrivilegesCommand = {
  type: 'RemoveDelegatedAdminPrivileges';
  actor: Actor;
  partnerTenantId: string;
  customerTenantId: string;
  confirm: boolean;
  /**
   * Why DAP is removed (absent: the customer removed it, REMOVED_BY_CUSTOMER). R70: the customer's
   * request to end all the partner's access removes it as ALL_ACCESS_ENDED, not as a removal of DAP
   * alone, which would stop the grant of an acceptance made before it (R8). A removal resumed from
   * its fences records the reason they name.
   */
  reason?: DapRemovalReason;
  /**
   * R70: the DAP in force was granted by an acceptance recorded after that request (the customer
   * gave it again), read on every attempt: it is left alone.
   */
  grantedAgainSinceRequest?: boolean;
};

/**
 * The pair's reseller relationship as it is when a DAP decision comes to append, read by the policy
 * on every attempt (absent: not read). An acceptance may have (re-)established it meanwhile.
 */
export interface PairRelationship {
  active: boolean;
  establishedByInvitationId?: string;
  /** Its end has started (RelationshipEndStarted): certain, it takes DAP with it (R9). */
  ending?: boolean;
}

/**
 * What the pair's streams recorded after an acceptance, read by the policy on every attempt: a grant
 * decided as of the acceptance must undo neither an end of the relationship that came after it
 * (R9), nor the customer's removal of DAP (R12), nor its request to end all the partner's access
 * (R70).
 */
export interface PairChangesSince {
  relationshipEnded: boolean;
  removedByCustomer: boolean;
  revocationRequested: boolean;
}

export type DapGrantCommand =
  | {
      /** Issued when a customer accepts an invitation that includes DAP (R10, R8). */
      type: 'GrantDelegatedAdmin';
      invitationId: string;
      partnerTenantId: string;
      partnerName: string;
      customer: CustomerIdentity;
      relationship?: PairRelationship;
      since?: PairChangesSince;
    }
  | {
      /**
       * R9, R70: the acceptance's grant, checked once appended: one that landed after an end or a
       * request to end all access that came after its acceptance (it read the pair before them,
       * and a partner without DAP then gave their removal nothing to remove) is removed again.
       */
      type: 'RemoveOvertakenGrant';
      invitationId: string;
      partnerTenantId: string;
      customerTenantId: string;
      since?: PairChangesSince;
    }
  | {
      /** R9: ending the reseller relationship also removes the partner's DAP. */
      type: 'RevokeDelegatedAdminOnRelationshipEnd';
      partnerTenantId: string;
      customerTenantId: string;
      relationship?: PairRelationship;
    }
  | (RemoveDelegatedAdminPrivilegesCommand & {
      /** Read from the pair's Relationship stream by the handler. */
      relationshipActive: boolean;
      /** Read from the partner's GDAP stream by the handler: a relationship in force (R15). */
      gdapRelationshipInForce?: boolean;
      /** AUTOPILOT_POLICY is dap-required (R35), which the confirmation answer tells (R12). */
      autopilotDapRequired?: boolean;
    });
