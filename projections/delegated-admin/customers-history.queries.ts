import type { SqlRunner } from '../../src/platform/projection-engine/projection';
import type { CustomerPageKey, RelationshipRow } from './customers.queries';
import { RELATIONSHIP_COLUMNS } from './relationship-row';

const COLUMNS = RELATIONSHIP_COLUMNS.join(', ');
/** The version that was current at @at. */
const AS_OF = 'valid_from <= @at AND (valid_to IS NULL OR valid_to > @at)';

/** The Customers and Partner relationships pages as they stood at a past moment (R43). */
export class CustomersHistoryQueries {
  constructor(private readonly db: SqlRunner) {}

  /** Like CustomersQueries.page by NAME, at `asOf` (the key's name is the search key). */
  page(
    partnerTenantId: string,
    first: number,
    after: CustomerPageKey | null,
    asOf: Date,
  ): RelationshipRow[] {
    // The key is in the query only when there is one: behind `@afterName IS NULL OR` SQLite could
    // not start the index range at it, and read every row before it.
    const fromKey = after
      ? 'AND (search_name, customer_tenant_id) > (@afterName, @afterTenant)'
      : '';
    return this.db.all<RelationshipRow>(
      `SELECT ${COLUMNS} FROM customers_history
       WHERE partner_tenant_id = @partner AND active = 1 AND ${AS_OF} ${fromKey}
       ORDER BY search_name, customer_tenant_id
       LIMIT @limit`,
      {
        partner: partnerTenantId,
        at: asOf.toISOString(),
        ...(after ? { afterName: after.name, afterTenant: after.tenantId } : {}),
        limit: first,
      },
    );
  }

  count(partnerTenantId: string, asOf: Date): number {
    return (
      this.db.get<{ total: number }>(
        `SELECT COUNT(*) AS total FROM customers_history
         WHERE partner_tenant_id = @partner AND active = 1 AND ${AS_OF}`,
        { partner: partnerTenantId, at: asOf.toISOString() },
      )?.total ?? 0
    );
  }

  /** Like CustomersQueries.partnersOf, at `asOf`. */
  partnersOf(customerTenantId: string, asOf: Date): RelationshipRow[] {
    return this.db.all<RelationshipRow>(
      `SELECT ${COLUMNS} FROM customers_history
       WHERE customer_tenant_id = @customer AND active = 1 AND ${AS_OF}
       ORDER BY partner_name, partner_tenant_id`,
      { customer: customerTenantId, at: asOf.toISOString() },
    );
  }
}
