import type { RelationshipRow } from '../../../projections/customers.queries';
import { type Customer, type PartnerRelationship, RelationshipType } from './customer.types';

export function toCustomer(row: RelationshipRow): Customer {
  return {
    tenantId: row.customer_tenant_id,
    name: row.customer_name,
    domain: row.customer_domain,
    relationshipSince: new Date(row.relationship_since),
  };
}

export function toPartnerRelationship(row: RelationshipRow): PartnerRelationship {
  return {
    partnerTenantId: row.partner_tenant_id,
    partnerName: row.partner_name,
    customerTenantId: row.customer_tenant_id,
    customerName: row.customer_name,
    relationshipType: RelationshipType.RESELLER,
    since: new Date(row.relationship_since),
  };
}
