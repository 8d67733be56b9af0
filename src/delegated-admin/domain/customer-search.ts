import { invalidInput } from '../../platform/domain/domain-error';
import { quote } from '../../platform/domain/ids';
import { partnerGroupsOf } from '../../azure-subscriptions/domain/subscription-access';
import type { PartnerGroup } from '../../azure-subscriptions/domain/azure-roles';
import { AZURE_SERVICE, SERVICE_NAMES } from './customer-services';
import { type DapStatus, type PartnerRoleName, partnerRolesMay } from './partner-capabilities';

export const CUSTOMER_SORTS = ['NAME', 'SINCE', 'DAP_CHANGED'] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];
export type SortDirection = 'ASC' | 'DESC';

export const DAP_STATUSES: readonly DapStatus[] = ['ACTIVE', 'REMOVED', 'NONE'];
export const SEARCH_MAX_LENGTH = 100;

/**
 * The key a name or domain is searched and sorted by: accents dropped (é → e, ß kept as is),
 * lower case, spaces collapsed. The projection stores it; a search compares prefixes of it.
 */
export function searchKey(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** What the caller asked the Customers page for, as GraphQL (or the CLI) passes it. */
export interface CustomerFilterInput {
  search?: string | null;
  delegatedAdminStatus?: readonly DapStatus[] | null;
  relationshipActive?: boolean | null;
  service?: { name: string; usable: boolean } | null;
  hasAzureSubscriptions?: boolean | null;
}

/**
 * The same question in terms of the customers read model: each field narrows the rows, null
 * means no condition. GDAP status (src/gdap/, being built) joins here as one more field, turned
 * into SQL beside the others in customers.queries.ts.
 */
export interface CustomerCriteria {
  partnerTenantId: string;
  relationshipActive: boolean;
  /** A prefix of the name's or the domain's search key. */
  searchPrefix: string | null;
  dapStatuses: readonly DapStatus[] | null;
  /** Rows where one of these partner groups holds a role on a live subscription (or none does). */
  azureRoleGroups: { groups: readonly PartnerGroup[]; held: boolean } | null;
  hasAzureSubscriptions: boolean | null;
}

export interface PageViewer {
  partnerTenantId: string;
  roles: readonly PartnerRoleName[];
}

function searchPrefixOf(search: string | null | undefined): string | null {
  if (search == null) return null;
  if (search.length > SEARCH_MAX_LENGTH) {
    throw invalidInput(`search is at most ${SEARCH_MAX_LENGTH} characters.`);
  }
  return searchKey(search) || null;
}

const intersect = (a: readonly DapStatus[] | null, b: readonly DapStatus[]) =>
  a === null ? b : a.filter((status) => b.includes(status));

/**
 * R16: a Customers page filter as the read model can answer it. Whether a Microsoft 365 portal is
 * usable depends only on the viewer's roles and the row's DAP status (R13, R14), so it becomes a
 * set of DAP statuses; Azure's depends on the subscriptions' role assignments (R21, R23).
 */
export function customerCriteria(viewer: PageViewer, input: CustomerFilterInput): CustomerCriteria {
  const relationshipActive = input.relationshipActive ?? true;
  let dapStatuses: readonly DapStatus[] | null = input.delegatedAdminStatus?.length
    ? [...input.delegatedAdminStatus]
    : null;
  let azureRoleGroups: CustomerCriteria['azureRoleGroups'] = null;
  const service = input.service;
  if (service) {
    if (!SERVICE_NAMES.includes(service.name)) {
      throw invalidInput(
        `${quote(service.name)} is not a service of the Customers page (${SERVICE_NAMES.join(', ')}).`,
      );
    }
    if (service.name === AZURE_SERVICE) {
      azureRoleGroups = { groups: partnerGroupsOf(viewer.roles), held: service.usable };
    } else {
      const usable = DAP_STATUSES.filter(
        (dapStatus) =>
          partnerRolesMay(viewer.roles, 'USE_ADMIN_PORTALS', { relationshipActive, dapStatus })
            .allowed,
      );
      const wanted = service.usable
        ? usable
        : DAP_STATUSES.filter((status) => !usable.includes(status));
      dapStatuses = intersect(dapStatuses, wanted);
    }
  }
  return {
    partnerTenantId: viewer.partnerTenantId,
    relationshipActive,
    searchPrefix: searchPrefixOf(input.search),
    dapStatuses,
    azureRoleGroups,
    hasAzureSubscriptions: input.hasAzureSubscriptions ?? null,
  };
}
