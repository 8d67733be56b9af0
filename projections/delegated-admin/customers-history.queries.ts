import type { SqlRunner } from '../../src/platform/projection-engine/projection';
import type { CustomerPageKey, RelationshipRow } from './customers.queries';
import { resellerActive } from './relationship-row';

/** A version of a row: the row, and the positions and times it was valid between. */
export interface Version extends RelationshipRow {
  valid_from_position: number;
  valid_to_position: number | null;
  valid_from: string;
  valid_to: string | null;
}

export function rowOf(version: Version): RelationshipRow {
  const {
    valid_from_position: _a,
    valid_to_position: _b,
    valid_from: _c,
    valid_to: _d,
    ...row
  } = version;
  return row;
}

/** The version that was current at @at. */
const AS_OF = 'valid_from <= @at AND (valid_to IS NULL OR valid_to > @at)';

/**
 * The Customers and Partner relationships pages as they stood at a past moment (R43). Rows are
 * read whole: version 2's columns while it serves, version 3's once it does (relationship-row.ts).
 */
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
    return this.db
      .all<Version>(
        `SELECT * FROM customers_history
       WHERE partner_tenant_id = @partner AND active = 1 AND ${AS_OF} ${fromKey}
       ORDER BY search_name, customer_tenant_id
       LIMIT @limit`,
        {
          partner: partnerTenantId,
          at: asOf.toISOString(),
          ...(after ? { afterName: after.name, afterTenant: after.tenantId } : {}),
          limit: first,
        },
      )
      .map(rowOf);
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
    return this.db
      .all<Version>(
        `SELECT * FROM customers_history
         WHERE customer_tenant_id = @customer AND active = 1 AND ${AS_OF}
         ORDER BY partner_name, partner_tenant_id`,
        { customer: customerTenantId, at: asOf.toISOString() },
      )
      .map(rowOf)
      .filter(resellerActive);
  }
}
