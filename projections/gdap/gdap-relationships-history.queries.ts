import type { SqlRunner } from '../../src/platform/projection-engine/projection';
import { type GdapPairSummary, pairSummaryOf } from './gdap-pair-summary';
import { GDAP_PARTNER_COLUMNS, type GdapPartnerRow } from './gdap-relationships.queries';
import { type GdapRelationshipView } from './gdap-relationship-view';
import { VERSION_END, VERSION_GRANTS } from './gdap-relationships-history.projection';
import { compareText } from '../../src/platform/common/compare-text';

/** R43: GDAP relationships as they stood at a past time (gdap-relationships-history). */
export class GdapRelationshipsHistoryQueries {
  constructor(private readonly db: SqlRunner) {}

  /**
   * The partner's relationships with each of `customerTenantIds` at `asOf`, by display name; at most
   * `limit` in all (-1: every one), for a bounded list that only needs to know there are more.
   */
  ofCustomers(
    partnerTenantId: string,
    customerTenantIds: readonly string[],
    asOf: Date,
    limit = -1,
  ): Map<string, GdapRelationshipView[]> {
    const byCustomer = new Map<string, GdapRelationshipView[]>();
    if (customerTenantIds.length === 0) return byCustomer;
    const at = asOf.toISOString();
    const rows = this.db.all<{ view: string }>(
      `SELECT v.view FROM gdap_relationship_versions v
       WHERE v.partner_tenant_id = ? AND v.customer_tenant_id IN (SELECT value FROM json_each(?))
         AND v.view IS NOT NULL
         AND v.position = (SELECT MAX(w.position) FROM gdap_relationship_versions w
                           WHERE w.relationship_id = v.relationship_id AND w.valid_from <= ?)
       LIMIT ?`,
      [partnerTenantId, JSON.stringify(customerTenantIds), at, limit],
    );
    const views = rows
      .map((row) => JSON.parse(row.view) as GdapRelationshipView)
      .sort((a, b) => compareText(a.displayName, b.displayName));
    for (const view of views) {
      byCustomer.set(view.customerTenantId, [
        ...(byCustomer.get(view.customerTenantId) ?? []),
        view,
      ]);
    }
    return byCustomer;
  }

  /** Like GdapRelationshipsQueries.partnersInForceWith, at `asOf` (R15, R43, R67). */
  partnersInForceWith(customerTenantId: string, asOf: Date): GdapPartnerRow[] {
    return this.db.all<GdapPartnerRow>(
      `SELECT ${GDAP_PARTNER_COLUMNS} FROM gdap_relationship_versions v
       WHERE v.customer_tenant_id = @customer AND ${VERSION_GRANTS} AND ${VERSION_END} > @at
         AND v.position = (SELECT MAX(w.position) FROM gdap_relationship_versions w
                           WHERE w.relationship_id = v.relationship_id AND w.valid_from <= @at)
       GROUP BY partner_tenant_id ORDER BY partner_tenant_id`,
      { customer: customerTenantId, at: asOf.toISOString() },
    );
  }

  /** The Customers page's GDAP column at `asOf` (R43), as gdap-relationships summarises it now. */
  summariesOf(
    partnerTenantId: string,
    customerTenantIds: readonly string[],
    asOf: Date,
  ): Map<string, GdapPairSummary> {
    const views = this.ofCustomers(partnerTenantId, customerTenantIds, asOf);
    return new Map([...views].map(([customer, list]) => [customer, pairSummaryOf(list)]));
  }

  /**
   * R63 at `asOf`: the partner's relationships granting then whose end was still to come, ending by
   * `until`, soonest first, at most `limit`. Only the versions granting with an end in that window
   * are read (gdap_relationship_versions_granting_by_end), each checked to be its relationship's
   * version at `asOf`: not every version the partner ever had.
   */
  endingBy(
    partnerTenantId: string,
    asOf: Date,
    until: Date,
    limit: number,
  ): GdapRelationshipView[] {
    const rows = this.db.all<{ view: string }>(
      `SELECT v.view FROM gdap_relationship_versions v
       WHERE v.partner_tenant_id = @partner AND ${VERSION_GRANTS}
         AND ${VERSION_END} > @asOf AND ${VERSION_END} <= @until
         AND v.position = (SELECT MAX(w.position) FROM gdap_relationship_versions w
                           WHERE w.relationship_id = v.relationship_id AND w.valid_from <= @asOf)
       ORDER BY ${VERSION_END}, v.relationship_id LIMIT @limit`,
      {
        partner: partnerTenantId,
        asOf: asOf.toISOString(),
        until: until.toISOString(),
        limit,
      },
    );
    return rows.map((row) => JSON.parse(row.view) as GdapRelationshipView);
  }
}
