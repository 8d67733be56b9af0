import { customerServices } from '../domain/customer-services';
import { pageViewerOf } from '../domain/customer-search';
import type { Actor } from '../../platform/domain/actor';
import type { RelationshipRow } from '../../../projections/delegated-admin/customers.queries';
import {
  everReseller,
  resellerActive,
} from '../../../projections/delegated-admin/relationship-row';
import type { GdapPartnerRow } from '../../../projections/gdap/gdap-relationships.queries';
import type { RowSubscriptions } from '../../../projections/azure-subscriptions/partner-subscriptions.queries';
import { toAzureSubscription } from '../../azure-subscriptions/subscription.mapper';
import {
  type GdapPairSummary,
  grantsInForceOf,
  NO_GDAP,
} from '../../../projections/gdap/gdap-pair-summary';
import { relationshipsAsSeenBy } from '../../gdap/gdap.mapper';
import {
  type Customer,
  type DelegatedAdmin,
  DelegatedAdminStatus,
  type PartnerRelationship,
  RelationshipType,
} from './customer.types';
import { portalsVerdicts, type RowFacts } from './portals-verdicts';

export function toDelegatedAdmin(row: RelationshipRow): DelegatedAdmin {
  return {
    status: DelegatedAdminStatus[row.dap_status],
    roles: JSON.parse(row.dap_roles) as string[],
    since: row.dap_changed_at ? new Date(row.dap_changed_at) : null,
  };
}

type CustomerRowMapper = (
  row: RelationshipRow,
  subscriptions: RowSubscriptions,
  gdap?: GdapPairSummary,
) => Customer;

/**
 * Customers page rows as `viewer` (a partner user) sees them: the subscriptions it may see (a
 * RowSubscriptions holds only those, R17) and the services its roles may use now (R16), with the pair's GDAP summary (its relationships, and the
 * grants worked out when they changed). What depends on the viewer alone is worked out once a page,
 * and the portals' verdict of a pair with GDAP once per grants list (portals-verdicts.ts).
 */
export function customerMapper(viewer: Actor, now: Date = new Date()): CustomerRowMapper {
  const partner = pageViewerOf(viewer);
  const portals = portalsVerdicts(partner);
  return (row, subscriptions, gdap = NO_GDAP) => {
    // DAP comes with the reseller relationship alone (R10): the page's verdicts read that one.
    const relationshipActive = resellerActive(row);
    const { listed } = subscriptions;
    const gdapGrants = grantsInForceOf(gdap, now);
    const facts: RowFacts = { relationshipActive, dapStatus: row.dap_status, gdapGrants };
    const services = customerServices(
      { tenantId: row.customer_tenant_id, domain: row.customer_domain },
      partner,
      facts,
      [...listed, ...subscriptions.beyond],
      portals(facts),
    );
    return {
      tenantId: row.customer_tenant_id,
      name: row.customer_name,
      domain: row.customer_domain,
      relationshipSince: new Date(row.relationship_since),
      relationshipActive: row.active === 1,
      relationshipType: customerRelationshipType(row),
      delegatedAdmin: toDelegatedAdmin(row),
      azureSubscriptions: listed.map((view) => toAzureSubscription(view, viewer)),
      azureSubscriptionsTruncated: subscriptions.more,
      delegatedAdminRelationships: relationshipsAsSeenBy(gdap.relationships, viewer),
      services: services.map((service) => ({
        name: service.name,
        adminPortalUrl: service.adminPortalUrl,
        adminPortalUrlMissing: service.adminPortalUrlMissing,
        usable: service.verdict.allowed,
        reason: service.verdict.reason,
        rule: service.verdict.rule,
      })),
      gdapGrants,
    };
  };
}

/**
 * R16: what lists the customer: its reseller relationship while active, else GDAP relationships
 * in force; with none, what it last was (a customer never in a reseller relationship: GDAP).
 */
function customerRelationshipType(row: RelationshipRow): RelationshipType {
  if (resellerActive(row)) return RelationshipType.RESELLER;
  if (row.active === 1 || !everReseller(row)) return RelationshipType.GRANULAR_DELEGATED_ADMIN;
  return RelationshipType.RESELLER;
}

/** One Customers page row as `viewer` sees it. */
export function toCustomer(
  row: RelationshipRow,
  viewer: Actor,
  subscriptions: RowSubscriptions,
  gdap: GdapPairSummary = NO_GDAP,
  now?: Date,
): Customer {
  return customerMapper(viewer, now)(row, subscriptions, gdap);
}

export function toPartnerRelationship(row: RelationshipRow): PartnerRelationship {
  return {
    partnerTenantId: row.partner_tenant_id,
    partnerName: row.partner_name,
    customerTenantId: row.customer_tenant_id,
    customerName: row.customer_name,
    relationshipType: RelationshipType.RESELLER,
    since: new Date(row.relationship_since),
    relationshipActive: resellerActive(row),
    delegatedAdmin: toDelegatedAdmin(row),
  };
}

/** DAP comes with a reseller relationship only (R10): a partner in GDAP alone holds none. */
const NO_DAP: DelegatedAdmin = { status: DelegatedAdminStatus.NONE, roles: [], since: null };

/** A partner on the page through its GDAP relationships in force alone (R15, R67). */
export function toGdapPartnerRelationship(
  row: GdapPartnerRow,
  customerTenantId: string,
): PartnerRelationship {
  return {
    partnerTenantId: row.partner_tenant_id,
    partnerName: row.partner_name,
    customerTenantId,
    customerName: row.customer_name ?? customerTenantId,
    relationshipType: RelationshipType.GRANULAR_DELEGATED_ADMIN,
    since: new Date(row.since),
    relationshipActive: true,
    delegatedAdmin: NO_DAP,
  };
}
