import { csvField } from '../../platform/common/csv';
import type { GdapGrant } from '../../platform/domain/gdap-grants';
import { holdUntil } from '../../../projections/gdap/gdap-pair-summary';
import type { Customer } from './customer.types';

/**
 * R67: which of the partner's groups hold which directory roles through GDAP, as
 * `GROUP: role, role; GROUP: role` (groups by id, roles by name; neither holds `:` or `;`).
 */
function groupsAndRoles(grants: readonly GdapGrant[]): string {
  const byGroup = new Map<string, Set<string>>();
  for (const grant of grants) {
    const roles = byGroup.get(grant.securityGroupId) ?? new Set<string>();
    grant.roles.forEach((role) => roles.add(role.displayName));
    byGroup.set(grant.securityGroupId, roles);
  }
  return [...byGroup.keys()]
    .sort()
    .map((group) => `${group}: ${[...byGroup.get(group)!].sort().join(', ')}`)
    .join('; ');
}

/** When the first of `grants` ends (ISO text), null without grants. */
function firstEnd(grants: readonly GdapGrant[]): string | null {
  const until = holdUntil(grants);
  return Number.isFinite(until) ? new Date(until).toISOString() : null;
}

/** The CSV export's columns: the Customers page row as the caller sees it. */
const COLUMNS: [string, (customer: Customer) => string | number | null][] = [
  ['tenantId', (customer) => customer.tenantId],
  ['name', (customer) => customer.name],
  ['domain', (customer) => customer.domain ?? null],
  ['relationshipSince', (customer) => customer.relationshipSince.toISOString()],
  ['relationshipActive', (customer) => String(customer.relationshipActive)],
  ['delegatedAdminStatus', (customer) => customer.delegatedAdmin.status],
  ['delegatedAdminRoles', (customer) => customer.delegatedAdmin.roles.join('; ')],
  ['delegatedAdminChangedAt', (customer) => customer.delegatedAdmin.since?.toISOString() ?? null],
  [
    'azureSubscriptions',
    ({ azureSubscriptions, azureSubscriptionsTruncated }) =>
      azureSubscriptionsTruncated ? `${azureSubscriptions.length}+` : azureSubscriptions.length,
  ],
  [
    'usableServices',
    (customer) =>
      customer.services
        .filter((service) => service.usable)
        .map((service) => service.name)
        .join('; '),
  ],
  ['gdapAccess', (customer) => groupsAndRoles(customer.gdapGrants)],
  ['gdapAccessEnds', (customer) => firstEnd(customer.gdapGrants)],
  // Last, so that a reader of the columns before it by position reads them as before.
  ['relationshipType', (customer) => customer.relationshipType],
];

export const CUSTOMERS_CSV_HEADER = `${COLUMNS.map(([name]) => name).join(',')}\r\n`;

export const customerCsvLine = (customer: Customer): string =>
  `${COLUMNS.map(([, value]) => csvField(value(customer))).join(',')}\r\n`;
