import type { RelationshipRow } from '../../../projections/delegated-admin/customers.queries';
import type { GdapPartnerRow } from '../../../projections/gdap/gdap-relationships.queries';
import { toGdapPartnerRelationship, toPartnerRelationship } from './customer.mapper';
import type { PartnerRelationship } from './customer.types';
import { compareText } from '../../platform/common/compare-text';

/**
 * R15: every partner the customer has a relationship with: its reseller relationship's row, or,
 * with none active, a row for its GDAP relationships in force; by partner name, then id.
 */
export function partnerRelationshipsPage(
  customerTenantId: string,
  resellers: readonly RelationshipRow[],
  gdapPartners: readonly GdapPartnerRow[],
): PartnerRelationship[] {
  const rows = resellers.map(toPartnerRelationship);
  const listed = new Set(rows.map((row) => row.partnerTenantId));
  for (const partner of gdapPartners) {
    if (!listed.has(partner.partner_tenant_id)) {
      rows.push(toGdapPartnerRelationship(partner, customerTenantId));
    }
  }
  return rows.sort(
    (a, b) =>
      compareText(a.partnerName, b.partnerName) ||
      compareText(a.partnerTenantId, b.partnerTenantId),
  );
}
