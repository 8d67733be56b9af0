import { invalidInput } from './domain-error';
import { quote } from './ids';

/**
 * Stream names follow EventStoreDB's `category-id` convention: `category-<id>` for one id and
 * `category-<first>_<second>` for a pair. Each id is a segment of lower-case letters, digits, dots
 * and hyphens (tenant ids, UUIDs, hex digests; see ids.ts), never `_` and never empty, and no
 * category contains `-`, so a name splits back into its category and ids one way only: two
 * different aggregates can never share a stream, whatever ids a caller crafts.
 */
const SEGMENT = /^[a-z0-9](?:[a-z0-9.-]{0,98}[a-z0-9])?$/;
const CATEGORY = /^[a-z]+$/;

function segment(id: string): string {
  if (!SEGMENT.test(id)) throw invalidInput(`${quote(id)} cannot name a stream.`);
  return id;
}

/** `category-<id>`. */
export const singleStream = (category: string, id: string): string => `${category}-${segment(id)}`;

/** `category-<first>_<second>`, e.g. a (partner, customer) pair. */
export const pairStream = (category: string, first: string, second: string): string =>
  `${category}-${segment(first)}_${segment(second)}`;

/** A subscription's stream: its role assignments, the customer's own among them. */
export const SUBSCRIPTION_CATEGORY = 'subscription';

/** A customer's Autopilot registry: the customer's devices and every partner's profiles. */
export const AUTOPILOT_CATEGORY = 'autopilot';

export const streamIds = {
  invitation: (invitationId: string) => singleStream('invitation', invitationId),
  relationship: (partnerTenantId: string, customerTenantId: string) =>
    pairStream('relationship', partnerTenantId, customerTenantId),
  dapGrant: (partnerTenantId: string, customerTenantId: string) =>
    pairStream('dapgrant', partnerTenantId, customerTenantId),
  subscription: (subscriptionId: string) => singleStream(SUBSCRIPTION_CATEGORY, subscriptionId),
  serviceRequests: (partnerTenantId: string, customerTenantId: string) =>
    pairStream('servicerequests', partnerTenantId, customerTenantId),
  autopilot: (customerTenantId: string) => singleStream(AUTOPILOT_CATEGORY, customerTenantId),
  /**
   * The claims on revoking `fact` of a pair, one after another, e.g.
   * `revocation-contoso_fabrikam.delegated-admin`: no dot in the fact, so the customer id is whole.
   */
  revocationClaim: (partnerTenantId: string, customerTenantId: string, fact: string) =>
    pairStream(
      'revocation',
      partnerTenantId,
      `${segment(customerTenantId)}.${fact.toLowerCase().replaceAll('_', '-')}`,
    ),
} as const;

export const streamCategory = (streamId: string): string => streamId.split('-', 1)[0];

/** A stream name as these helpers make it, split into its category and ids; null otherwise. */
export function parseStreamId(streamId: string): { category: string; ids: string[] } | null {
  const dash = streamId.indexOf('-');
  if (dash < 1 || streamId.length > 250) return null;
  const category = streamId.slice(0, dash);
  const ids = streamId.slice(dash + 1).split('_');
  if (!CATEGORY.test(category) || ids.length > 2 || !ids.every((id) => SEGMENT.test(id)))
    return null;
  return { category, ids };
}
