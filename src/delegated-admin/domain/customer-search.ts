import { invalidInput } from '../../platform/domain/domain-error';
import { quote } from '../../platform/domain/ids';
import { partnerGroupsOf } from '../../azure-subscriptions/domain/subscription-access';
import type { PartnerGroup } from '../../azure-subscriptions/domain/azure-roles';
import type { SecurityGroupId } from '../../gdap/domain/events';
import { roleIdsAllowing } from '../../gdap/domain/directory-actions';
import { AZURE_SERVICE, SERVICE_NAMES } from './customer-services';
import {
  type DapStatus,
  type PartnerRoleName,
  partnerRolesMay,
  partnerRolesOf,
} from './partner-capabilities';
import type { Actor } from '../../platform/domain/actor';
import { groupsOfTokenRoles } from '../../gdap/domain/security-groups';
import { hasMoreCharactersThan } from '../../platform/domain/printable-text';

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
 * Where the Microsoft 365 portals are usable to the viewer (R14, R67): rows whose DAP status is one
 * of `dapStatuses`, or where one of `gdapGroups` holds one of `gdapRoleTemplateIds` through an
 * active access assignment of a relationship in force at `at` (ISO text).
 */
export interface PortalsUsable {
  usable: boolean;
  dapStatuses: readonly DapStatus[];
  gdapGroups: readonly SecurityGroupId[];
  gdapRoleTemplateIds: readonly string[];
  at: string;
}

/**
 * The same question in terms of the customers read model: each field narrows the rows, null
 * means no condition; customers.queries.ts turns each into SQL.
 */
export interface CustomerCriteria {
  partnerTenantId: string;
  relationshipActive: boolean;
  /** A prefix of the name's or the domain's search key. */
  searchPrefix: string | null;
  dapStatuses: readonly DapStatus[] | null;
  portalsUsable: PortalsUsable | null;
  /** Rows where one of these partner groups holds a role on a live subscription (or none does). */
  azureRoleGroups: { groups: readonly PartnerGroup[]; held: boolean } | null;
  hasAzureSubscriptions: boolean | null;
}

export interface PageViewer {
  partnerTenantId: string;
  roles: readonly PartnerRoleName[];
  /** Its security groups, built-in and the partner's own (GDAP, R66). */
  groups: readonly SecurityGroupId[];
}

/** A partner user as the Customers page judges for: its partner, roles and groups (from its token). */
export const pageViewerOf = (actor: Actor): PageViewer => ({
  partnerTenantId: actor.tenantId,
  roles: partnerRolesOf(actor.roles),
  groups: groupsOfTokenRoles(actor.roles),
});

function searchPrefixOf(search: string | null | undefined): string | null {
  if (search == null) return null;
  if (hasMoreCharactersThan(search, SEARCH_MAX_LENGTH)) {
    throw invalidInput(`search is at most ${SEARCH_MAX_LENGTH} characters.`);
  }
  return searchKey(search) || null;
}

/**
 * R16: a Customers page filter as the read model can answer it, at `now`. Whether a Microsoft 365
 * portal is usable depends on the viewer's roles and the row's DAP status (R13, R14), or on the
 * GDAP roles the viewer's groups hold in the customer (R67), as the row's services say; Azure's
 * depends on the subscriptions' role assignments (R21, R23).
 */
export function customerCriteria(
  viewer: PageViewer,
  input: CustomerFilterInput,
  now: Date,
): CustomerCriteria {
  const relationshipActive = input.relationshipActive ?? true;
  const dapStatuses: readonly DapStatus[] | null = input.delegatedAdminStatus?.length
    ? [...input.delegatedAdminStatus]
    : null;
  let azureRoleGroups: CustomerCriteria['azureRoleGroups'] = null;
  let portalsUsable: PortalsUsable | null = null;
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
      portalsUsable = {
        usable: service.usable,
        dapStatuses: DAP_STATUSES.filter(
          (dapStatus) =>
            partnerRolesMay(
              viewer.roles,
              'USE_ADMIN_PORTALS',
              { relationshipActive, dapStatus },
              viewer.groups,
            ).allowed,
        ),
        gdapGroups: viewer.groups,
        gdapRoleTemplateIds: roleIdsAllowing('USE_ADMIN_PORTALS'),
        at: now.toISOString(),
      };
    }
  }
  return {
    partnerTenantId: viewer.partnerTenantId,
    relationshipActive,
    searchPrefix: searchPrefixOf(input.search),
    dapStatuses,
    portalsUsable,
    azureRoleGroups,
    hasAzureSubscriptions: input.hasAzureSubscriptions ?? null,
  };
}
