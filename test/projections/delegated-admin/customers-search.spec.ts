import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { customersProjection } from '../../../projections/delegated-admin/customers.projection';
import {
  CustomersQueries,
  type RelationshipRow,
  SEARCH_SORTED_UP_TO,
} from '../../../projections/delegated-admin/customers.queries';
import { RELATIONSHIP_COLUMNS } from '../../../projections/delegated-admin/relationship-row';
import { gdapRelationshipsProjection } from '../../../projections/gdap/gdap-relationships.projection';
import {
  type CustomersPageRequest,
  readCustomersPage,
} from '../../../src/delegated-admin/customers-page/customers-page';
import type {
  CustomerSort,
  SortDirection,
} from '../../../src/delegated-admin/domain/customer-search';
import { encodeCursor } from '../../../src/platform/graphql/cursor';
import { ReadStore, type SqlParams } from '../../../src/platform/read-store/read-store';
import { createReadModels } from '../../support/read-model-tables';
import { planSteps } from '../../support/planned-runner';

const PARTNER = 'contoso-partners';
const FIRST = [
  'alpine',
  'coho',
  'fabrikam',
  'litware',
  'margie',
  'tailspin',
  'wingtip',
  'woodgrove',
];
const SECOND = ['bank', 'foods', 'labs', 'toys', 'travel', 'winery'];
const viewer = {
  partnerTenantId: PARTNER,
  roles: ['ADMIN_AGENT' as const],
  groups: ['ADMIN_AGENTS'],
};

/**
 * Customers whose domains mostly follow their names, every third one's another word (so some
 * match a search by domain alone), every tenth without a domain; some ended, and another partner
 * with the same names.
 */
function customers(): RelationshipRow[] {
  const rows: RelationshipRow[] = [];
  for (let index = 0; index < 480; index++) {
    const name = `${FIRST[index % FIRST.length]} ${SECOND[index % SECOND.length]} ${index}`;
    const word = index % 3 === 0 ? FIRST[(index + 3) % FIRST.length] : name.replace(/ /g, '');
    const domain = index % 10 === 0 ? null : `${word}${index}.onmicrosoft.com`;
    rows.push({
      partner_tenant_id: index % 7 === 0 ? 'adatum-partners' : PARTNER,
      customer_tenant_id: `customer-${String(index).padStart(3, '0')}`,
      partner_name: 'Contoso Partners',
      customer_name: name,
      customer_domain: domain,
      relationship_since: new Date(Date.UTC(2024, 0, 1) + index * 60_000).toISOString(),
      active: index % 11 === 0 ? 0 : 1,
      dap_status: index % 2 === 0 ? 'ACTIVE' : 'NONE',
      dap_roles: '[]',
      dap_changed_at: null,
      search_name: name,
      search_domain: domain,
      reseller_active: index % 11 === 0 ? 0 : 1,
      reseller_since: new Date(Date.UTC(2024, 0, 1) + index * 60_000).toISOString(),
      gdap_in_force: 0,
    });
  }
  // More customers than SEARCH_SORTED_UP_TO match "zava": its pages sorted by since walk.
  for (let index = 0; index < SEARCH_SORTED_UP_TO + 100; index++) {
    const name = `zava travel ${index}`;
    rows.push({
      ...rows[1],
      customer_tenant_id: `zava-${String(index).padStart(4, '0')}`,
      customer_name: name,
      customer_domain: `zava${index}.onmicrosoft.com`,
      relationship_since: new Date(Date.UTC(2023, 0, 1) + index * 3_600_000).toISOString(),
      reseller_since: new Date(Date.UTC(2023, 0, 1) + index * 3_600_000).toISOString(),
      search_name: name,
      search_domain: `zava${index}.onmicrosoft.com`,
    });
  }
  return rows;
}

/** What a full sort of every match says the page's rows are (the keys are ASCII: byte order). */
function expected(
  rows: RelationshipRow[],
  prefix: string,
  direction: SortDirection,
  dap?: string,
  sort: CustomerSort = 'NAME',
) {
  const key = (row: RelationshipRow) =>
    sort === 'NAME'
      ? row.search_name
      : sort === 'SINCE'
        ? row.relationship_since
        : (row.dap_changed_at ?? '');
  const compare = (a: RelationshipRow, b: RelationshipRow) =>
    key(a) === key(b)
      ? a.customer_tenant_id < b.customer_tenant_id
        ? -1
        : 1
      : key(a) < key(b)
        ? -1
        : 1;
  return rows
    .filter(
      (row) =>
        row.partner_tenant_id === PARTNER &&
        row.active === 1 &&
        (dap === undefined || row.dap_status === dap) &&
        (row.search_name.startsWith(prefix) || (row.search_domain ?? '').startsWith(prefix)),
    )
    .sort((a, b) => (direction === 'ASC' ? compare(a, b) : compare(b, a)))
    .map((row) => row.customer_name);
}

describe('the Customers page searched and sorted by name (customers.queries.ts)', () => {
  let dir: string;
  let store: ReadStore;
  const rows = customers();

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'customers-search-'));
    store = new ReadStore(join(dir, 'read-models.db'));
    // The page joins each row's GDAP summary (none here).
    createReadModels(store, [customersProjection, gdapRelationshipsProjection]);
    store.transaction(() => {
      for (const row of rows) {
        store.run(
          `INSERT INTO customers (${RELATIONSHIP_COLUMNS.join(', ')})
           VALUES (${RELATIONSHIP_COLUMNS.map((column) => `@${column}`).join(', ')})`,
          { ...row },
        );
      }
    });
    // With statistics SQLite weighs its plans, as it does on a read store that ran ANALYZE.
    // No ANALYZE, as in the product: SQLite weighs plans by its default estimates.
  });

  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every page of `request`, `first` rows at a time, followed by its cursors. */
  function everyPage(
    queries: CustomersQueries,
    request: CustomersPageRequest,
    first = 7,
  ): string[] {
    const names: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const page = readCustomersPage(queries, viewer, { ...request, first, after }, new Date());
      names.push(...page.rows.map((row) => row.customer_name));
      if (!page.hasNextPage) return names;
      after = page.cursorOf(page.rows[page.rows.length - 1]);
    }
    throw new Error('more than 100 pages');
  }

  it('R16: pages through the matches by name and by domain alone as a full sort orders them, either way', () => {
    const queries = new CustomersQueries(store);
    for (const search of ['w', 'wo', 'margie', 'coho1', 'tailspin labs 1', 'nothing']) {
      for (const direction of ['ASC', 'DESC'] as const) {
        expect(everyPage(queries, { filter: { search }, direction })).toEqual(
          expected(rows, search, direction),
        );
        expect(
          everyPage(queries, { filter: { search, delegatedAdminStatus: ['ACTIVE'] }, direction }),
        ).toEqual(expected(rows, search, direction, 'ACTIVE'));
      }
    }
    // Some customers match a search by their domain alone, and are listed among the others.
    const byDomainAlone = expected(rows, 'fabrikam', 'ASC').filter(
      (name) => !name.startsWith('fabrikam'),
    );
    expect(byDomainAlone.length).toBeGreaterThan(0);
    expect(everyPage(queries, { filter: { search: 'fabrikam' } })).toEqual(
      expected(rows, 'fabrikam', 'ASC'),
    );
  });

  it('R16: a search sorted by since or DAP change pages as a full sort orders its matches, few or many', () => {
    const queries = new CustomersQueries(store);
    for (const sort of ['SINCE', 'DAP_CHANGED'] as const) {
      for (const search of ['w', 'fabrikam', 'zava', 'nothing']) {
        for (const direction of ['ASC', 'DESC'] as const) {
          const request = { filter: { search }, sort, direction };
          expect(everyPage(queries, request, search === 'zava' ? 300 : 7)).toEqual(
            expected(rows, search, direction, undefined, sort),
          );
        }
      }
    }
  });

  it('R16: totalCount of a search counts the matches by name and by domain alone, each by its range', () => {
    const queries = new CustomersQueries(store);
    for (const search of ['w', 'fabrikam', 'zava', 'nothing']) {
      for (const filter of [{ search }, { search, delegatedAdminStatus: ['ACTIVE' as const] }]) {
        const page = readCustomersPage(queries, viewer, { filter }, new Date());
        const dap = filter.delegatedAdminStatus ? 'ACTIVE' : undefined;
        expect(page.totalCount()).toBe(expected(rows, search, 'ASC', dap).length);
      }
    }
    // Each part reads its range of an index alone, with a DAP filter too (the index holds it); a
    // one-letter search's matches by domain alone, from the index of those alone.
    const counts = plansOf((recording) => {
      for (const search of ['w', 'wo']) {
        for (const filter of [{ search }, { search, delegatedAdminStatus: ['ACTIVE' as const] }]) {
          readCustomersPage(recording, viewer, { filter }, new Date()).totalCount();
        }
      }
    }, 'get');
    expect(counts).toHaveLength(4);
    counts.forEach((count, index) => {
      expect(indexReads(count)).toEqual([
        expect.stringMatching(/COVERING INDEX customers_page_by_name \(.*>.*<.*\)/),
        index < 2
          ? expect.stringMatching(
              /COVERING INDEX customers_page_by_domain_initial \(partner_tenant_id=\? AND active=\? AND <expr>=\?\)/,
            )
          : expect.stringMatching(/COVERING INDEX customers_page_by_domain \(.*>.*<.*\)/),
      ]);
    });
  });

  it('R16: a cursor made up to lie outside the names a search matches pages from their start', () => {
    const queries = new CustomersQueries(store);
    for (const [direction, value] of [
      ['ASC', ''],
      ['DESC', '\u{10FFFF}'],
    ] as const) {
      const first = readCustomersPage(
        queries,
        viewer,
        { filter: { search: 'w' }, direction },
        new Date(),
      );
      const after = encodeCursor('customers', {
        sort: 'NAME',
        direction,
        value,
        tenantId: 'customer-000',
      });
      const forged = readCustomersPage(
        queries,
        viewer,
        {
          filter: { search: 'w' },
          direction,
          after,
        },
        new Date(),
      );
      expect(forged.rows.map((row) => row.customer_name)).toEqual(
        first.rows.map((row) => row.customer_name),
      );
    }
  });

  /**
   * The plans (EXPLAIN QUERY PLAN) of the queries `requests` ran for rows (`all`: the pages) or
   * for one row (`get`: counts), one list of steps each.
   */
  function plansOf(requests: (queries: CustomersQueries) => void, reading = 'all'): string[][] {
    const asked: { sql: string; params?: SqlParams }[] = [];
    const recording = {
      run: (sql: string, params?: SqlParams) => store.run(sql, params),
      get: <Row>(sql: string, params?: SqlParams) => {
        if (reading === 'get') asked.push({ sql, params });
        return store.get<Row>(sql, params);
      },
      all: <Row>(sql: string, params?: SqlParams) => {
        if (reading === 'all') asked.push({ sql, params });
        return store.all<Row>(sql, params);
      },
    };
    requests(new CustomersQueries(recording));
    return asked.map(({ sql, params }) => planSteps(store, sql, params));
  }

  /** A read of `index` in a range bounded on both sides (the prefix's, or a cursor on one side). */
  const bounded = (index: string) =>
    expect.stringMatching(
      new RegExp(
        `SEARCH c USING INDEX ${index} \\(partner_tenant_id=\\? AND active=\\? AND .*>.*<.*\\)`,
      ),
    );
  const indexReads = (plan: string[]) =>
    plan.filter((detail) => detail.includes('customers_page_by'));

  it('R16: reads the names a search matches as their range, never walking the names before them', () => {
    const plans = plansOf((queries) => {
      for (const search of ['w', 'wo']) {
        for (const direction of ['ASC', 'DESC'] as const) {
          const page = readCustomersPage(
            queries,
            viewer,
            { filter: { search }, direction },
            new Date(),
          );
          readCustomersPage(
            queries,
            viewer,
            {
              filter: { search },
              direction,
              after: page.cursorOf(page.rows[page.rows.length - 1]),
            },
            new Date(),
          );
        }
      }
    });
    expect(plans).toHaveLength(8);
    plans.forEach((plan, index) => {
      // Nothing walks an index from its start or scans the table. A one-letter search reads its
      // matches by domain alone from their own index, by name from the cursor (or the letter's
      // start): the page's rows, not every domain the letter starts.
      expect(indexReads(plan)).toEqual([
        bounded('customers_page_by_name'),
        index < 4
          ? expect.stringMatching(
              /^SEARCH c USING INDEX customers_page_by_domain_initial \(partner_tenant_id=\? AND active=\? AND <expr>=\?( AND \(search_name,customer_tenant_id\)[<>]\(\?,\?\))?\)$/,
            )
          : bounded('customers_page_by_domain'),
      ]);
      const scans = plan.filter((detail) => detail === 'SCAN c').length;
      expect(scans).toBe(plan.filter((detail) => detail === 'CO-ROUTINE c').length);
    });
  });

  it('R16: sorted by since, a search reads its few matches by their ranges, and walks the sort for many', () => {
    const [few, many] = plansOf((queries) => {
      for (const search of ['fabrikam', 'zava']) {
        readCustomersPage(queries, viewer, { filter: { search }, sort: 'SINCE' }, new Date());
      }
    });
    expect(indexReads(few)).toEqual([
      bounded('customers_page_by_name'),
      bounded('customers_page_by_domain'),
    ]);
    expect(indexReads(many)).toEqual([
      expect.stringMatching(/customers_page_by_since \(partner_tenant_id=\? AND active=\?\)/),
    ]);
  });
});
