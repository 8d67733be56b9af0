import type { Actor } from '../../platform/domain/actor';
import type { CustomerIdentity, IntendedCustomer } from './events';

/** R1–R4: a partner asks a customer for a reseller relationship (the id is chosen by the caller). */
export type RequestResellerRelationshipCommand = {
  type: 'RequestResellerRelationship';
  actor: Actor;
  invitationId: string;
  includeDelegatedAdmin: boolean;
  intendedCustomer: IntendedCustomer | null;
};

/** Where and for how long an invitation is acceptable: the settings', not the caller's. */
export interface InvitationTerms {
  /** Where the customer's admin center accepts invitations (INVITATION_BASE_URL). */
  invitationBaseUrl: string;
  /** How long a pending invitation stays acceptable (INVITATION_TTL_DAYS). */
  ttlMs: number;
}

export type EditInvitationEmailCommand = {
  type: 'EditInvitationEmail';
  actor: Actor;
  invitationId: string;
  subject: string;
  body: string;
};
export type CancelInvitationCommand = {
  type: 'CancelInvitation';
  actor: Actor;
  invitationId: string;
};
export type AcceptResellerInvitationCommand = {
  type: 'AcceptResellerInvitation';
  actor: Actor;
  invitationId: string;
};

export type InvitationCommand =
  | (RequestResellerRelationshipCommand & InvitationTerms)
  | EditInvitationEmailCommand
  | CancelInvitationCommand
  | AcceptResellerInvitationCommand;

/** R9: the partner's Admin Agent ends the relationship with a customer. */
export type EndResellerRelationshipCommand = {
  type: 'EndResellerRelationship';
  actor: Actor;
  partnerTenantId: string;
  customerTenantId: string;
};

export type RelationshipCommand =
  | {
      type: 'EstablishRelationship';
      invitationId: string;
      partnerTenantId: string;
      partnerName: string;
      customer: CustomerIdentity;
    }
  | {
      type: 'LinkAzureSubscription';
      actor: Actor;
      partnerTenantId: string;
      customerTenantId: string;
      subscriptionId: string;
    }
  | (EndResellerRelationshipCommand & {
      /** Of the linked subscriptions, those still active (read from their streams by the handler). */
      activeProvisionedSubscriptionIds: string[];
      /** The stream's revision the handler read the links at (-1: no stream). */
      atRevision: number;
    });
