import type { DapStatus } from '../../src/delegated-admin/domain/partner-capabilities';
import type { SqlRunner } from '../../src/platform/projection-engine/projection';

export interface RelationshipRow {
  partner_tenant_id: string;
  customer_tenant_id: string;
  partner_name: string;
  customer_name: string;
  customer_domain: string | null;
  relationship_since: string;
  active: number;
  dap_status: DapStatus;
  /** JSON array of directory role display names. */
  dap_roles: string;
  dap_changed_at: string | null;
}

export interface CustomerPageKey {
  name: string;
  tenantId: string;
}

export class CustomersQueries {
  constructor(private readonly db: SqlRunner) {}

  /** One page of a partner's active customers by name (R16, R17), keyed for stable paging. */
  page(partnerTenantId: string, first: number, after: CustomerPageKey | null): RelationshipRow[] {
    // Two statements, so that a later page starts in the index at its key instead of scanning the
    // partner's earlier rows (an `@after IS NULL OR …` condition cannot bound the index range).
    if (!after) {
      return this.db.all<RelationshipRow>(
        `SELECT * FROM customers
         WHERE partner_tenant_id = ? AND active = 1
         ORDER BY customer_name, customer_tenant_id
         LIMIT ?`,
        [partnerTenantId, first],
      );
    }
    return this.db.all<RelationshipRow>(
      `SELECT * FROM customers
       WHERE partner_tenant_id = @partner AND active = 1
         AND (customer_name, customer_tenant_id) > (@afterName, @afterTenant)
       ORDER BY customer_name, customer_tenant_id
       LIMIT @limit`,
      {
        partner: partnerTenantId,
        afterName: after.name,
        afterTenant: after.tenantId,
        limit: first,
      },
    );
  }

  count(partnerTenantId: string): number {
    return (
      this.db.get<{ total: number }>(
        'SELECT COUNT(*) AS total FROM customers WHERE partner_tenant_id = ? AND active = 1',
        [partnerTenantId],
      )?.total ?? 0
    );
  }

  relationship(partnerTenantId: string, customerTenantId: string): RelationshipRow | undefined {
    return this.db.get<RelationshipRow>(
      'SELECT * FROM customers WHERE partner_tenant_id = ? AND customer_tenant_id = ? AND active = 1',
      [partnerTenantId, customerTenantId],
    );
  }

  /** The pair's row whether or not the relationship is still active. */
  pair(partnerTenantId: string, customerTenantId: string): RelationshipRow | undefined {
    return this.db.get<RelationshipRow>(
      'SELECT * FROM customers WHERE partner_tenant_id = ? AND customer_tenant_id = ?',
      [partnerTenantId, customerTenantId],
    );
  }

  /** The customer's Partner relationships page (R15): only its own partners (R17). */
  partnersOf(customerTenantId: string): RelationshipRow[] {
    return this.db.all<RelationshipRow>(
      'SELECT * FROM customers WHERE customer_tenant_id = ? AND active = 1 ORDER BY partner_name, partner_tenant_id',
      [customerTenantId],
    );
  }
}
