/** Stream names follow EventStoreDB's `category-id` convention. */
export const streamIds = {
  invitation: (invitationId: string) => `invitation-${invitationId}`,
  relationship: (partnerTenantId: string, customerTenantId: string) =>
    `relationship-${partnerTenantId}_${customerTenantId}`,
  dapGrant: (partnerTenantId: string, customerTenantId: string) =>
    `dapgrant-${partnerTenantId}_${customerTenantId}`,
  subscription: (subscriptionId: string) => `subscription-${subscriptionId}`,
  serviceRequests: (partnerTenantId: string, customerTenantId: string) =>
    `servicerequests-${partnerTenantId}_${customerTenantId}`,
  autopilot: (customerTenantId: string) => `autopilot-${customerTenantId}`,
} as const;

/**
 * The streams where a partner's actions depend on the pair's relationship and DAP: a revocation
 * fences each of them before it is recorded (see access/revocation-fences.ts).
 */
export const fencedStreams = (partnerTenantId: string, customerTenantId: string) =>
  [
    {
      scope: 'SERVICE_REQUESTS',
      streamId: streamIds.serviceRequests(partnerTenantId, customerTenantId),
    },
    { scope: 'AUTOPILOT', streamId: streamIds.autopilot(customerTenantId) },
  ] as const;

export const streamCategory = (streamId: string): string => streamId.split('-', 1)[0];
