import type { Projection } from '../../src/platform/projection-engine/projection';
import type { RelationshipRow } from './customers.queries';
import { RELATIONSHIP_COLUMNS, relationshipRowHandlers, sameRow } from './relationship-row';

const UPSERT = `INSERT INTO customers (${RELATIONSHIP_COLUMNS.join(', ')})
  VALUES (${RELATIONSHIP_COLUMNS.map((column) => `@${column}`).join(', ')})
  ON CONFLICT (partner_tenant_id, customer_tenant_id) DO UPDATE SET
  ${RELATIONSHIP_COLUMNS.map((column) => `${column} = excluded.${column}`).join(', ')}`;

/**
 * Reseller relationships, one row per (partner, customer), with the partner's DAP: the partner's
 * Customers page (R16) and the customer's Partner relationships page (R15). The latest version of
 * each row (relationship-row.ts); customers-history keeps them all.
 */
const customersWriting = (queryIndexes: string[]) => ({
  name: 'customers',
  tables: ['customers'],
  schema: [
    `CREATE TABLE IF NOT EXISTS customers (
      partner_tenant_id TEXT NOT NULL,
      customer_tenant_id TEXT NOT NULL,
      partner_name TEXT NOT NULL,
      customer_name TEXT NOT NULL,
      customer_domain TEXT,
      relationship_since TEXT NOT NULL,
      active INTEGER NOT NULL,
      dap_status TEXT NOT NULL DEFAULT 'NONE',
      dap_roles TEXT NOT NULL DEFAULT '[]',
      dap_changed_at TEXT,
      search_name TEXT NOT NULL DEFAULT '',
      search_domain TEXT,
      PRIMARY KEY (partner_tenant_id, customer_tenant_id)
    )`,
  ],
  queryIndexes,
  handlers: relationshipRowHandlers((_event, pair, next, db) => {
    const current = db.get<RelationshipRow>(
      'SELECT * FROM customers WHERE partner_tenant_id = ? AND customer_tenant_id = ?',
      [pair.partnerTenantId, pair.customerTenantId],
    );
    const row = next(current);
    if (row && !(current && sameRow(current, row))) db.run(UPSERT, { ...row });
  }),
});

const SORTED_BY_SINCE =
  'CREATE INDEX IF NOT EXISTS customers_page_by_since ON customers (partner_tenant_id, active, relationship_since, customer_tenant_id)';
const SORTED_BY_DAP_CHANGE =
  "CREATE INDEX IF NOT EXISTS customers_page_by_dap_change ON customers (partner_tenant_id, active, IFNULL(dap_changed_at, ''), customer_tenant_id)";
const BY_CUSTOMER =
  'CREATE INDEX IF NOT EXISTS customers_by_customer ON customers (customer_tenant_id, partner_name)';
/**
 * The customers whose domain and name start with different letters, by the domain's first letter
 * then name: a one-letter search's matches by domain alone, in the page's order (customers.queries.ts).
 * A query index: where a version lacks it, the same query reads the domain index instead.
 */
const DOMAIN_ALONE_BY_INITIAL = `CREATE INDEX IF NOT EXISTS customers_page_by_domain_initial ON customers
  (partner_tenant_id, active, substr(search_domain, 1, 1), search_name, customer_tenant_id, dap_status)
  WHERE substr(search_domain, 1, 1) <> substr(search_name, 1, 1)`;

/**
 * One index per sort of the Customers page, and one for a search by domain (customers.queries.ts).
 * Version 5 changed two: the name and domain indexes hold the DAP status, so a search counts its
 * matches with a DAP filter from them alone, and the domain index holds the name, so a search tells
 * the customers it matches by domain alone from it. Version 4's rows are the same, so it serves
 * while 5 builds.
 */
export const customersProjection: Projection = {
  ...customersWriting([
    'CREATE INDEX IF NOT EXISTS customers_page_by_name ON customers (partner_tenant_id, active, search_name, customer_tenant_id, dap_status)',
    SORTED_BY_SINCE,
    SORTED_BY_DAP_CHANGE,
    'CREATE INDEX IF NOT EXISTS customers_page_by_domain ON customers (partner_tenant_id, active, search_domain, search_name, customer_tenant_id, dap_status)',
    BY_CUSTOMER,
    DOMAIN_ALONE_BY_INITIAL,
  ]),
  version: 5,
  previous: {
    ...customersWriting([
      'CREATE INDEX IF NOT EXISTS customers_page_by_name ON customers (partner_tenant_id, active, search_name, customer_tenant_id)',
      SORTED_BY_SINCE,
      SORTED_BY_DAP_CHANGE,
      'CREATE INDEX IF NOT EXISTS customers_page_by_domain ON customers (partner_tenant_id, active, search_domain, customer_tenant_id)',
      BY_CUSTOMER,
    ]),
    version: 4,
  },
};
