import { randomUUID } from 'node:crypto';
import {
  actorFromClaims,
  type TokenClaims,
  tokenClaimsSchema,
} from '../../src/platform/auth/token-claims';
import { DAP_ROLE_ASSIGNMENTS } from '../../src/delegated-admin/domain/dap-grant/events';
import type { Actor } from '../../src/platform/domain/actor';
import type { EventStore, NewEvent } from '../../src/platform/event-store/event-store';

export const actorOf = (claims: TokenClaims): Actor =>
  actorFromClaims(tokenClaimsSchema.parse(claims));

/** 1 March 2025, 09:00 UTC plus `minutes`: the business time of a scripted event. */
export const minute = (minutes: number): string =>
  new Date(Date.UTC(2025, 2, 1, 9, 0) + minutes * 60_000).toISOString();

/** A recorded-to-be event as a command handler would append it: real shape and metadata. */
export function eventBy(
  actor: Actor,
  type: string,
  data: Record<string, unknown>,
  occurredAt: string,
  correlationId: string = randomUUID(),
): NewEvent {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: { correlationId, causationId: correlationId, actor, occurredAt, schemaVersion: 1 },
  };
}

const partnerNames: Record<string, string> = {
  'contoso-partners': 'Contoso Partners',
  'other-partners': 'Other Partners',
};
const customers: Record<string, { tenantId: string; name: string; domain: string }> = {
  fabrikam: { tenantId: 'fabrikam', name: 'Fabrikam', domain: 'fabrikam.onmicrosoft.com' },
  woodgrove: { tenantId: 'woodgrove', name: 'Woodgrove', domain: 'woodgrove.onmicrosoft.com' },
};

/** Event data in the shapes the deciders produce, for the tenants of test/support/tenants.ts. */
export const eventData = {
  invitationCreated: (
    invitationId: string,
    partner: string,
    customer: string | null,
    includeDelegatedAdmin = true,
  ) => ({
    invitationId,
    partnerTenantId: partner,
    partnerName: partnerNames[partner],
    includeDelegatedAdmin,
    intendedCustomer: customer ? { tenantId: customer } : null,
    invitationUrl: `https://admin.example/invite?invitationId=${invitationId}`,
    emailDraft: {
      subject: 'Invitation',
      body: `https://admin.example/invite?invitationId=${invitationId}`,
    },
    createdAt: minute(0),
    expiresAt: minute(60 * 24 * 90),
  }),
  invitationEmailEdited: (invitationId: string) => ({
    invitationId,
    emailDraft: {
      subject: 'Edited',
      body: `https://admin.example/invite?invitationId=${invitationId}`,
    },
  }),
  invitationAccepted: (
    invitationId: string,
    partner: string,
    customer: string,
    includeDelegatedAdmin = true,
  ) => ({
    invitationId,
    partnerTenantId: partner,
    partnerName: partnerNames[partner],
    includeDelegatedAdmin,
    customer: customers[customer],
  }),
  relationshipEstablished: (invitationId: string, partner: string, customer: string) => ({
    partnerTenantId: partner,
    partnerName: partnerNames[partner],
    customer: customers[customer],
    invitationId,
  }),
  relationshipEnded: (partner: string, customer: string) => ({
    partnerTenantId: partner,
    customerTenantId: customer,
  }),
  delegatedAdminGranted: (invitationId: string, partner: string, customer: string) => ({
    partnerTenantId: partner,
    partnerName: partnerNames[partner],
    customerTenantId: customer,
    customerName: customers[customer].name,
    invitationId,
    roles: [...DAP_ROLE_ASSIGNMENTS],
  }),
  delegatedAdminRemoved: (partner: string, customer: string) => ({
    partnerTenantId: partner,
    customerTenantId: customer,
    reason: 'REMOVED_BY_CUSTOMER',
  }),
  serviceRequestOpened: (partner: string, customer: string, title: string) => ({
    partnerTenantId: partner,
    customerTenantId: customer,
    serviceRequestId: randomUUID(),
    title,
    description: 'Please raise the mailbox quota for the sales team.',
  }),
  azureSubscriptionRegistered: (subscriptionId: string, customer: string) => ({
    subscriptionId,
    displayName: 'Production',
    customerTenantId: customer,
  }),
};

/** Appends one event to its stream and answers its global position. */
export async function append(
  store: EventStore,
  streamId: string,
  event: NewEvent,
): Promise<number> {
  return (await store.append(streamId, [event], 'any')).position;
}
