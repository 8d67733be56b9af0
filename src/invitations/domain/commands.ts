import type { Actor } from '../../platform/domain/actor';
import type { CustomerIdentity, IntendedCustomer } from './events';

export type InvitationCommand =
  | {
      type: 'RequestResellerRelationship';
      actor: Actor;
      invitationId: string;
      includeDelegatedAdmin: boolean;
      intendedCustomer: IntendedCustomer | null;
      /** Where the customer's admin center accepts invitations (settings, not a rule). */
      invitationBaseUrl: string;
      /** How long a pending invitation stays acceptable (INVITATION_TTL_DAYS). */
      ttlMs: number;
    }
  | { type: 'EditInvitationEmail'; actor: Actor; subject: string; body: string }
  | { type: 'CancelInvitation'; actor: Actor }
  | { type: 'AcceptResellerInvitation'; actor: Actor };

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
  | {
      type: 'EndResellerRelationship';
      actor: Actor;
      partnerTenantId: string;
      customerTenantId: string;
      /** Of the linked subscriptions, those still active (read from their streams by the handler). */
      activeProvisionedSubscriptionIds: string[];
    };
