import type { Projection } from '../../src/platform/projection-engine/projection';
import type { RelationshipRow } from './customers.queries';
import {
  GDAP_LISTING_COLUMN_NAMES,
  type RelationshipColumn,
  rowShape,
  sameRow,
} from './relationship-row';

const upsert = (
  columns: readonly RelationshipColumn[],
) => `INSERT INTO customers (${columns.join(', ')})
  VALUES (${columns.map((column) => `@${column}`).join(', ')})
  ON CONFLICT (partner_tenant_id, customer_tenant_id) DO UPDATE SET
  ${columns.map((column) => `${column} = excluded.${column}`).join(', ')}`;

const GDAP_RELATIONSHIPS = 'customers_gdap';

/**
 * Reseller relationships, one row per (partner, customer), with the partner's DAP, and from
 * version 6 the customers of GDAP relationships in force: the partner's Customers page (R16) and
 * the customer's Partner relationships page (R15). The latest version of each row
 * (relationship-row.ts); customers-history keeps them all.
 */
const customersWriting = (queryIndexes: string[], listedByGdap = true) => {
  const shape = rowShape(listedByGdap, GDAP_RELATIONSHIPS);
  const { columns } = shape;
  const write = upsert(columns);
  return {
    name: 'customers',
    tables: ['customers', ...shape.sideTables],
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
      ${shape.addedColumnsDdl}
      PRIMARY KEY (partner_tenant_id, customer_tenant_id)
    )`,
      ...shape.sideSchema,
    ],
    queryIndexes,
    handlers: shape.handlers((_event, pair, next, db) => {
      const current = db.get<RelationshipRow>(
        'SELECT * FROM customers WHERE partner_tenant_id = ? AND customer_tenant_id = ?',
        [pair.partnerTenantId, pair.customerTenantId],
      );
      const row = next(current);
      if (!row || (current && sameRow(current, row, columns))) return;
      db.run(write, { ...row }); // a row has every column of its version (more are not bound)
    }),
  };
};

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
 * One index per sort of the Customers page, and one for a search by domain (customers.queries.ts):
 * the name and domain indexes hold the DAP status, so a search counts its matches with a DAP
 * filter from them alone, and the domain index holds the name, so a search tells the customers it
 * matches by domain alone from it. Version 6 lists the customers of GDAP relationships in force
 * (R16): `active` is then the listing, `reseller_active` the reseller relationship. Version 5
 * serves while 6 builds, as it always did (its `active` is the reseller relationship's, which
 * relationship-row.ts's readers take it for).
 */
const QUERY_INDEXES = [
  'CREATE INDEX IF NOT EXISTS customers_page_by_name ON customers (partner_tenant_id, active, search_name, customer_tenant_id, dap_status)',
  SORTED_BY_SINCE,
  SORTED_BY_DAP_CHANGE,
  'CREATE INDEX IF NOT EXISTS customers_page_by_domain ON customers (partner_tenant_id, active, search_domain, search_name, customer_tenant_id, dap_status)',
  BY_CUSTOMER,
  DOMAIN_ALONE_BY_INITIAL,
];

export const customersProjection: Projection = {
  ...customersWriting(QUERY_INDEXES),
  version: 6,
  addedTables: [GDAP_RELATIONSHIPS],
  addedColumns: { customers: GDAP_LISTING_COLUMN_NAMES },
  previous: { ...customersWriting(QUERY_INDEXES, false), version: 5 },
};
