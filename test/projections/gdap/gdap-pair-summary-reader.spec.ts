import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { customersProjection } from '../../../projections/delegated-admin/customers.projection';
import { CustomersQueries } from '../../../projections/delegated-admin/customers.queries';
import { RELATIONSHIP_COLUMNS } from '../../../projections/delegated-admin/relationship-row';
import { decodePairSummary, encodePairSummary } from '../../../projections/gdap/gdap-pair-summary';
import { PairSummaryReader } from '../../../projections/gdap/gdap-pair-summary-reader';
import {
  gdapRelationshipsProjection,
  savePairSummary,
  saveRelationshipView,
} from '../../../projections/gdap/gdap-relationships.projection';
import type { GdapRelationshipView } from '../../../projections/gdap/gdap-relationship-view';
import { customerCriteria } from '../../../src/delegated-admin/domain/customer-search';
import type { Projection } from '../../../src/platform/projection-engine/projection';
import { ReadStore, type SqlRunner } from '../../../src/platform/read-store/read-store';
import { activeGdapView, encodePairSummaryV5 } from '../../support/gdap-view';
import { served } from '../../support/served';
import { createReadModels } from '../../support/read-model-tables';

const PARTNER = 'contoso-partners';
const OTHER_PARTNER = 'northwind-partners';
const customerOf = (index: number) => `customer-${index}`;
type Writing = Parameters<typeof savePairSummary>[3];

describe('the pair-summary reader (decoded GDAP summaries kept while the partner’s count of changes holds)', () => {
  let dir: string;
  let stores: ReadStore[];
  /** Summary rows read (gdap_pair_summaries), counted as the reader's SQL runs. */
  let summaryReads: number;

  const openStore = (name: string, projection: Projection = gdapRelationshipsProjection) => {
    const store = new ReadStore(join(dir, `${name}.db`));
    createReadModels(store, [customersProjection, projection]);
    stores.push(store);
    return store;
  };

  const counting = (store: ReadStore): SqlRunner => ({
    run: (sql, params) => store.run(sql, params),
    get: (sql, params) => store.get(sql, params),
    all: <Row>(sql: string, params?: Parameters<SqlRunner['all']>[1]) => {
      const rows = store.all<Row>(sql, params);
      if (sql.includes('FROM gdap_pair_summaries')) summaryReads += rows.length;
      return rows;
    },
  });

  /** Writes the pair's one relationship as the projection does (`writing`: another version's). */
  const write = (store: ReadStore, view: GdapRelationshipView, writing?: Writing) => {
    saveRelationshipView(store, view, 1);
    savePairSummary(store, view.partnerTenantId, view.customerTenantId, writing);
  };

  const storedText = (store: ReadStore, index: number, partner = PARTNER): string =>
    store.get<{ relationships: string }>(
      'SELECT relationships FROM gdap_pair_summaries WHERE partner_tenant_id = ? AND customer_tenant_id = ?',
      [partner, customerOf(index)],
    )!.relationships;

  const read = (reader: PairSummaryReader, index: number, partner = PARTNER) =>
    reader.summariesOf(partner, [customerOf(index)]).get(customerOf(index));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pair-summary-reader-'));
    stores = [];
    summaryReads = 0;
  });

  afterEach(() => {
    stores.forEach((store) => store.close());
    rmSync(dir, { recursive: true, force: true });
  });

  it('R16, R67: a page reads no summary row while the partner’s summaries are unchanged, and a rewritten one is served anew', () => {
    const store = openStore('read-models');
    const reader = new PairSummaryReader(counting(store));
    [0, 1].forEach((index) => write(store, activeGdapView(PARTNER, index)));
    const page = [customerOf(0), customerOf(1), customerOf(2)];
    const first = reader.summariesOf(PARTNER, page);
    expect([...first.keys()].sort()).toEqual([customerOf(0), customerOf(1)]);
    expect(first.get(customerOf(0))!.grants.map((grant) => grant.securityGroupId)).toEqual([
      'HELPDESK_AGENTS',
      'tier-two',
    ]);
    expect(summaryReads).toBe(2);
    // The same page again: the kept summaries, and customer 2 kept as having none.
    const again = reader.summariesOf(PARTNER, page);
    expect(again.get(customerOf(0))).toBe(first.get(customerOf(0)));
    expect(again.has(customerOf(2))).toBe(false);
    expect(summaryReads).toBe(2);

    // Another pair of the partner changes: its count moves, so every pair of it is read again.
    write(store, activeGdapView(PARTNER, 1, { status: 'terminated' }));
    const after = reader.summariesOf(PARTNER, page);
    expect(summaryReads).toBe(4);
    expect(after.get(customerOf(0))).not.toBe(first.get(customerOf(0)));
    expect(after.get(customerOf(1))!.relationships[0].status).toBe('terminated');
    expect(after.get(customerOf(1))!.grants).toEqual([]);
    expect(served(after.get(customerOf(1)))).toEqual(
      served(decodePairSummary(PARTNER, customerOf(1), storedText(store, 1))),
    );

    // Customer 2, kept as having none, gets a relationship: served at once.
    write(store, activeGdapView(PARTNER, 2));
    expect(reader.summariesOf(PARTNER, page).get(customerOf(2))!.relationships).toHaveLength(1);
  });

  it('R16: another partner’s change leaves a partner’s kept summaries as they are', () => {
    const store = openStore('read-models');
    const reader = new PairSummaryReader(counting(store));
    write(store, activeGdapView(PARTNER, 0));
    const kept = read(reader, 0);
    write(store, activeGdapView(OTHER_PARTNER, 0));
    expect(read(reader, 0, OTHER_PARTNER)!.relationships).toHaveLength(1);
    expect(read(reader, 0)).toBe(kept);
    expect(summaryReads).toBe(2);
  });

  it('R16: a partner without GDAP reads no summary row at all', () => {
    const store = openStore('read-models');
    const reader = new PairSummaryReader(counting(store));
    write(store, activeGdapView(OTHER_PARTNER, 0));
    expect(reader.summariesOf(PARTNER, [customerOf(0), customerOf(1)]).size).toBe(0);
    expect(summaryReads).toBe(0);
    expect(reader.size).toBe(0);
  });

  it('R16: a version going live (its tables renamed) is read anew, even at the same count of changes', () => {
    const store = openStore('read-models');
    const reader = new PairSummaryReader(counting(store));
    write(store, activeGdapView(PARTNER, 0));
    expect(read(reader, 0)!.relationships[0].status).toBe('active');
    // A build beside it wrote the same number of changes with other content, then went live.
    store.db.exec(`CREATE TABLE gdap_pair_summaries__next AS SELECT * FROM gdap_pair_summaries;
      UPDATE gdap_pair_summaries__next SET relationships = '${encodePairSummary([
        activeGdapView(PARTNER, 0, { status: 'terminationRequested' }),
      ])}';
      DROP TABLE gdap_pair_summaries;
      ALTER TABLE gdap_pair_summaries__next RENAME TO gdap_pair_summaries;`);
    expect(read(reader, 0)!.relationships[0].status).toBe('terminationRequested');
  });

  it('R16: while version 7 serves (no count of changes), summaries are read on every page and none is kept', () => {
    const store = openStore('read-models', gdapRelationshipsProjection.previous);
    const reader = new PairSummaryReader(counting(store));
    const before = { encode: encodePairSummary, countsChanges: false };
    write(store, activeGdapView(PARTNER, 0), before);
    const first = read(reader, 0);
    expect(first!.relationships[0].status).toBe('active');
    write(store, activeGdapView(PARTNER, 0, { status: 'terminated' }), before);
    expect(read(reader, 0)!.relationships[0].status).toBe('terminated');
    expect(summaryReads).toBe(2);
    expect(reader.size).toBe(0);
    // Version 8 goes live: its count of changes is read from then on.
    gdapRelationshipsProjection.schema.forEach((ddl) => store.db.exec(ddl));
    write(store, activeGdapView(PARTNER, 0));
    const kept = read(reader, 0);
    expect(read(reader, 0)).toBe(kept);
    expect(summaryReads).toBe(3);
  });

  it('keeps at most its capacity of stored text, the oldest kept pair evicted first', () => {
    const store = openStore('read-models');
    [0, 1, 2].forEach((index) => write(store, activeGdapView(PARTNER, index)));
    // Pairs 0 to 2 have texts of the same length: room for two of them.
    const capacity = storedText(store, 0).length + storedText(store, 1).length;
    const reader = new PairSummaryReader(store, capacity);
    const first = read(reader, 0);
    const second = read(reader, 1);
    const third = read(reader, 2);
    expect(reader.size).toBe(2);
    expect(reader.characters).toBe(capacity);
    expect(read(reader, 1)).toBe(second);
    expect(read(reader, 2)).toBe(third);
    // Pair 0 went when pair 2 came: read again, it is decoded anew (and pushes pair 1 out).
    const firstAgain = read(reader, 0);
    expect(firstAgain).not.toBe(first);
    expect(served(firstAgain)).toEqual(served(first));
    expect(reader.size).toBe(2);
    expect(read(reader, 1)).not.toBe(second);
    // A pair read under another partner counts against the same capacity: its longer text
    // pushes out as many pairs as it needs.
    write(store, activeGdapView(OTHER_PARTNER, 3));
    expect(storedText(store, 3, OTHER_PARTNER).length).toBeGreaterThan(capacity / 2);
    expect(read(reader, 3, OTHER_PARTNER)!.relationships).toHaveLength(1);
    expect(reader.characters).toBeLessThanOrEqual(capacity);
    expect(reader.size).toBe(1);
  });

  it('refuses a capacity that would keep nothing, and keeps no text longer than its capacity', () => {
    const store = openStore('read-models');
    expect(() => new PairSummaryReader(store, 0)).toThrow(RangeError);
    expect(() => new PairSummaryReader(store, 1.5)).toThrow(RangeError);
    write(store, activeGdapView(PARTNER, 0));
    const reader = new PairSummaryReader(store, storedText(store, 0).length - 1);
    const summary = read(reader, 0);
    expect(served(summary)).toEqual(
      served(decodePairSummary(PARTNER, customerOf(0), storedText(store, 0))),
    );
    expect(read(reader, 0)).not.toBe(summary);
    expect(reader.size).toBe(0);
    expect(reader.characters).toBe(0);
  });

  it('R16, R62: version 5’s and version 6’s texts of one pair never mix: each is served as its own form decodes', () => {
    const store = openStore('read-models');
    const reader = new PairSummaryReader(store);
    const view = { ...activeGdapView(PARTNER, 0), customerDisplayName: 'Fabrikam' };
    const v5 = { encode: encodePairSummaryV5, countsChanges: true };
    write(store, view, v5);
    // Version 5's rows hold no customer name, version 6's do.
    expect(read(reader, 0)!.relationships[0].customerDisplayName).toBeNull();
    write(store, view);
    const v6 = read(reader, 0)!;
    expect(v6.relationships[0].customerDisplayName).toBe('Fabrikam');
    expect(served({ ...v6.relationships[0], customerDisplayName: null })).toEqual(
      served(
        decodePairSummary(PARTNER, customerOf(0), encodePairSummaryV5([view])).relationships[0],
      ),
    );
    write(store, view, v5);
    expect(read(reader, 0)!.relationships[0].customerDisplayName).toBeNull();
  });

  it('kept summaries are frozen: a caller that tried to change one would throw', () => {
    const store = openStore('read-models');
    write(store, activeGdapView(PARTNER, 0));
    const summary = read(new PairSummaryReader(store), 0)!;
    expect(() => (summary.relationships as unknown[]).push({})).toThrow(TypeError);
    expect(() => {
      (summary.relationships[0] as { status: string }).status = 'terminated';
    }).toThrow(TypeError);
    expect(() => {
      (summary.grants[0] as { endDateTime: string }).endDateTime = '2000-01-01T00:00:00.000Z';
    }).toThrow(TypeError);
    expect(() => {
      (summary.relationships[0].accessAssignments[0] as { status: string }).status = 'deleted';
    }).toThrow(TypeError);
  });

  it('R16: each read store’s Customers page queries read their own store’s summaries', () => {
    const [blue, green] = [openStore('blue'), openStore('green')];
    for (const store of [blue, green]) {
      store.run(
        `INSERT INTO customers (${RELATIONSHIP_COLUMNS.join(', ')})
         VALUES (${RELATIONSHIP_COLUMNS.map((column) => `@${column}`).join(', ')})`,
        {
          partner_tenant_id: PARTNER,
          customer_tenant_id: customerOf(0),
          partner_name: 'Contoso Partners',
          customer_name: 'Zava Labs',
          customer_domain: 'zavalabs.onmicrosoft.com',
          relationship_since: '2025-01-01T00:00:00.000Z',
          active: 1,
          dap_status: 'NONE',
          dap_roles: '[]',
          dap_changed_at: null,
          search_name: 'zava labs',
          search_domain: 'zavalabs.onmicrosoft.com',
          reseller_active: 1,
          reseller_since: '2025-01-01T00:00:00.000Z',
          gdap_in_force: 0,
        },
      );
    }
    write(blue, activeGdapView(PARTNER, 0));
    write(green, activeGdapView(PARTNER, 0, { status: 'terminationRequested' }));
    const statusIn = (queries: CustomersQueries) => {
      const criteria = customerCriteria(
        { partnerTenantId: PARTNER, roles: ['ADMIN_AGENT'], groups: ['ADMIN_AGENTS'] },
        {},
        new Date(),
      );
      const rows = queries.page(criteria, { sort: 'NAME', direction: 'ASC' }, 10, null);
      const ids = rows.map((row) => row.customer_tenant_id);
      return queries.pairSummaries.summariesOf(PARTNER, ids).get(customerOf(0))!.relationships[0]
        .status;
    };
    const [blueQueries, greenQueries] = [new CustomersQueries(blue), new CustomersQueries(green)];
    for (let twice = 0; twice < 2; twice++) {
      expect(statusIn(blueQueries)).toBe('active');
      expect(statusIn(greenQueries)).toBe('terminationRequested');
    }
    expect(blueQueries.pairSummaries).not.toBe(greenQueries.pairSummaries);
  });
});
