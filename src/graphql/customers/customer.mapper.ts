import { customerServices } from '../../domain/access/customer-services';
import { partnerRolesOf } from '../../domain/access/partner-capabilities';
import type { Actor } from '../../domain/shared/actor';
import type { RelationshipRow } from '../../../projections/customers.queries';
import {
  type Customer,
  type DelegatedAdmin,
  DelegatedAdminStatus,
  type PartnerRelationship,
  RelationshipType,
} from './customer.types';

export function toDelegatedAdmin(row: RelationshipRow): DelegatedAdmin {
  return {
    status: DelegatedAdminStatus[row.dap_status],
    roles: JSON.parse(row.dap_roles) as string[],
    since: row.dap_changed_at ? new Date(row.dap_changed_at) : null,
  };
}

/** A Customers page row as `viewer` (a partner user) sees it: services usable by its roles. */
export function toCustomer(row: RelationshipRow, viewer: Actor): Customer {
  const facts = { relationshipActive: true, dapStatus: row.dap_status };
  const services = customerServices(
    { tenantId: row.customer_tenant_id, domain: row.customer_domain },
    partnerRolesOf(viewer.roles),
    facts,
  );
  return {
    tenantId: row.customer_tenant_id,
    name: row.customer_name,
    domain: row.customer_domain,
    relationshipSince: new Date(row.relationship_since),
    delegatedAdmin: toDelegatedAdmin(row),
    services: services.map((service) => ({
      name: service.name,
      adminPortalUrl: service.adminPortalUrl,
      usable: service.verdict.allowed,
      reason: service.verdict.reason,
      rule: service.verdict.rule,
    })),
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
    delegatedAdmin: toDelegatedAdmin(row),
  };
}
