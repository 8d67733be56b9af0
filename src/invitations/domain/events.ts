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

/**
 * Every event that concerns a (partner, customer) pair names it in `partnerTenantId` and
 * `customerTenantId` (null where the customer is not known yet), whatever else it carries.
 */
export type InvitationEvent =
  | {
      type: 'InvitationCreated';
      data: {
        invitationId: string;
        partnerTenantId: string;
        /** The intended customer's tenant, when the invitation names one (schema version 2). */
        customerTenantId: string | null;
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
        /** `customer.tenantId` (schema version 2). */
        customerTenantId: string;
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
        /** `customer.tenantId` (schema version 2). */
        customerTenantId: string;
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
  | {
      /**
       * R9, R50: the end is certain (no active subscription, and none can be linked from now on),
       * so it may fence the partner's streams; `RelationshipEnded` follows.
       */
      type: 'RelationshipEndStarted';
      data: {
        partnerTenantId: string;
        customerTenantId: string;
        /** The stream's revision the end was decided on: this event is the next. */
        factRevision: number;
      };
    }
  | { type: 'RelationshipEnded'; data: { partnerTenantId: string; customerTenantId: string } };

/** Version 1 named the customer inside `customer` only. */
function customerTenantIdFromCustomer(data: Record<string, unknown>): Record<string, unknown> {
  return { ...data, customerTenantId: (data.customer as CustomerIdentity).tenantId };
}

/** The schema version of each event this room records (see platform/domain/event-evolution.ts). */
export const INVITATIONS_EVENTS = {
  InvitationCreated: {
    version: 2,
    // Version 1 named the intended customer inside `intendedCustomer` only.
    upcasters: {
      1: (data) => ({
        ...data,
        customerTenantId: (data.intendedCustomer as IntendedCustomer | null)?.tenantId ?? null,
      }),
    },
  },
  InvitationEmailEdited: { version: 1 },
  InvitationCancelled: { version: 1 },
  InvitationAccepted: { version: 2, upcasters: { 1: customerTenantIdFromCustomer } },
  RelationshipEstablished: { version: 2, upcasters: { 1: customerTenantIdFromCustomer } },
  AzureSubscriptionLinked: { version: 1 },
  RelationshipEndStarted: { version: 1 },
  RelationshipEnded: { version: 1 },
} satisfies EventSchemas<InvitationEvent | RelationshipEvent>;
