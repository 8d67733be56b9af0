/** Stream names follow EventStoreDB's `category-id` convention. */
export const streamIds = {
  invitation: (invitationId: string) => `invitation-${invitationId}`,
  relationship: (partnerTenantId: string, customerTenantId: string) =>
    `relationship-${partnerTenantId}_${customerTenantId}`,
  dapGrant: (partnerTenantId: string, customerTenantId: string) =>
    `dapgrant-${partnerTenantId}_${customerTenantId}`,
  subscription: (subscriptionId: string) => `subscription-${subscriptionId}`,
} as const;

export const streamCategory = (streamId: string): string => streamId.split('-', 1)[0];
