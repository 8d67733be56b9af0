import { csvField } from '../../platform/common/csv';
import type { Customer } from './customer.types';

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
];

export const CUSTOMERS_CSV_HEADER = `${COLUMNS.map(([name]) => name).join(',')}\r\n`;

export const customerCsvLine = (customer: Customer): string =>
  `${COLUMNS.map(([, value]) => csvField(value(customer))).join(',')}\r\n`;
