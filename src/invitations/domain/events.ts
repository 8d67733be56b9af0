import type { EventSchemas } from '../../platform/domain/event-evolution';

export interface EmailDraft {
  subject: string;
  body: string;
}

/** The customer an invitation is meant for (R4); absent: the first customer to accept binds it. */
export interface IntendedCustomer {
  tenantId?: string;
  domain?: string;
}

export interface CustomerIdentity {
  tenantId: string;
  name: string;
  domain?: string;
}

export type InvitationEvent =
  | {
      type: 'InvitationCreated';
      data: {
        invitationId: string;
        partnerTenantId: string;
        partnerName: string;
        includeDelegatedAdmin: boolean;
        intendedCustomer: IntendedCustomer | null;
        invitationUrl: string;
        emailDraft: EmailDraft;
        createdAt: string;
        expiresAt: string;
      };
    }
  | { type: 'InvitationEmailEdited'; data: { invitationId: string; emailDraft: EmailDraft } }
  | { type: 'InvitationCancelled'; data: { invitationId: string; partnerTenantId: string } }
  | {
      type: 'InvitationAccepted';
      data: {
        invitationId: string;
        partnerTenantId: string;
        partnerName: string;
        includeDelegatedAdmin: boolean;
        customer: CustomerIdentity;
      };
    };

export type RelationshipEvent =
  | {
      type: 'RelationshipEstablished';
      data: {
        partnerTenantId: string;
        partnerName: string;
        customer: CustomerIdentity;
        invitationId: string;
      };
    }
  | {
      /** R22: the partner provisions a subscription for the customer; recorded here so R9 sees it. */
      type: 'AzureSubscriptionLinked';
      data: { partnerTenantId: string; customerTenantId: string; subscriptionId: string };
    }
  | { type: 'RelationshipEnded'; data: { partnerTenantId: string; customerTenantId: string } };

/** The schema version of each event this room records (see platform/domain/event-evolution.ts). */
export const INVITATIONS_EVENTS = {
  InvitationCreated: { version: 1 },
  InvitationEmailEdited: { version: 1 },
  InvitationCancelled: { version: 1 },
  InvitationAccepted: { version: 1 },
  RelationshipEstablished: { version: 1 },
  AzureSubscriptionLinked: { version: 1 },
  RelationshipEnded: { version: 1 },
} satisfies EventSchemas<InvitationEvent | RelationshipEvent>;
