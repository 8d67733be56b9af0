import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { customersProjection } from '../../../projections/delegated-admin/customers.projection';
import { CustomersQueries } from '../../../projections/delegated-admin/customers.queries';
import { RELATIONSHIP_COLUMNS } from '../../../projections/delegated-admin/relationship-row';
import { decodePairSummary } from '../../../projections/gdap/gdap-pair-summary';
import { PairSummaryReader } from '../../../projections/gdap/gdap-pair-summary-reader';
import {
  gdapRelationshipsProjection,
  savePairSummary,
  saveRelationshipView,
} from '../../../projections/gdap/gdap-relationships.projection';
import type { GdapRelationshipView } from '../../../projections/gdap/gdap-relationships.queries';
import { customerCriteria } from '../../../src/delegated-admin/domain/customer-search';
import { gdapOfRows } from '../../../src/delegated-admin/customers-page/customers-page';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { activeGdapView, encodePairSummaryV5 } from '../../support/gdap-view';
import { served } from '../../support/served';
import { createReadModels } from '../../support/read-model-tables';

const PARTNER = 'contoso-partners';
const customerOf = (index: number) => `customer-${index}`;

describe('the pair-summary reader (decoded GDAP summaries kept while their stored text is unchanged)', () => {
  let dir: string;
  let stores: ReadStore[];

  const openStore = (name: string): ReadStore => {
    const store = new ReadStore(join(dir, `${name}.db`));
    createReadModels(store, [customersProjection, gdapRelationshipsProjection]);
    stores.push(store);
    return store;
  };

  /** Writes the pair's one relationship as the projection does, with `encode`'s form. */
  const write = (
    store: ReadStore,
    view: GdapRelationshipView,
    encode?: Parameters<typeof savePairSummary>[3],
  ) => {
    saveRelationshipView(store, view, 1);
    savePairSummary(store, PARTNER, view.customerTenantId, encode);
  };

  /** The pair's summary text as the Customers page's query reads it. */
  const storedText = (store: ReadStore, index: number): string =>
    store.get<{ relationships: string }>(
      'SELECT relationships FROM gdap_pair_summaries WHERE partner_tenant_id = ? AND customer_tenant_id = ?',
      [PARTNER, customerOf(index)],
    )!.relationships;

  const read = (reader: PairSummaryReader, store: ReadStore, index: number) =>
    reader.decode(PARTNER, customerOf(index), storedText(store, index));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pair-summary-reader-'));
    stores = [];
  });

  afterEach(() => {
    stores.forEach((store) => store.close());
    rmSync(dir, { recursive: true, force: true });
  });

  it('R16, R67: a rewritten summary is decoded anew, never served as kept for the text before', () => {
    const store = openStore('read-models');
    const reader = new PairSummaryReader();
    write(store, activeGdapView(PARTNER, 0));
    const first = read(reader, store, 0);
    expect(first.grants.map((grant) => grant.securityGroupId)).toEqual([
      'HELPDESK_AGENTS',
      'tier-two',
    ]);
    // The same text again: the kept summary, not a second decoding.
    expect(read(reader, store, 0)).toBe(first);

    const terminated = activeGdapView(PARTNER, 0, { status: 'terminated' });
    write(store, terminated);
    const second = read(reader, store, 0);
    expect(second.relationships[0].status).toBe('terminated');
    expect(second.grants).toEqual([]);
    expect(served(second)).toEqual(
      served(decodePairSummary(PARTNER, customerOf(0), storedText(store, 0))),
    );

    // Back to the first text (another rewrite): decoded again, as that text says.
    write(store, activeGdapView(PARTNER, 0));
    const third = read(reader, store, 0);
    expect(third).not.toBe(second);
    expect(third.relationships[0].status).toBe('active');
    expect(third.grants).toHaveLength(2);
    expect(reader.size).toBe(1);
  });

  it('keeps at most its capacity of stored text, the oldest kept pair evicted first', () => {
    const store = openStore('read-models');
    [0, 1, 2].forEach((index) => write(store, activeGdapView(PARTNER, index)));
    // Pairs 0 to 2 have texts of the same length: room for two of them.
    const capacity = storedText(store, 0).length + storedText(store, 1).length;
    const reader = new PairSummaryReader(capacity);
    const first = read(reader, store, 0);
    const second = read(reader, store, 1);
    const third = read(reader, store, 2);
    expect(reader.size).toBe(2);
    expect(reader.characters).toBe(capacity);
    expect(read(reader, store, 1)).toBe(second);
    expect(read(reader, store, 2)).toBe(third);
    // Pair 0 went when pair 2 came: read again, it is decoded anew (and pushes pair 1 out).
    const firstAgain = read(reader, store, 0);
    expect(firstAgain).not.toBe(first);
    expect(served(firstAgain)).toEqual(served(first));
    expect(reader.size).toBe(2);
    expect(read(reader, store, 1)).not.toBe(second);
    // A pair read under another partner counts against the same capacity: its longer text
    // pushes out as many pairs as it needs.
    const other = activeGdapView('northwind-partners', 3);
    saveRelationshipView(store, other, 1);
    savePairSummary(store, 'northwind-partners', customerOf(3));
    const text = store.get<{ relationships: string }>(
      'SELECT relationships FROM gdap_pair_summaries WHERE partner_tenant_id = ?',
      ['northwind-partners'],
    )!.relationships;
    expect(text.length).toBeGreaterThan(storedText(store, 0).length);
    expect(reader.decode('northwind-partners', customerOf(3), text).relationships[0].id).toBe(
      other.relationshipId,
    );
    expect(reader.characters).toBeLessThanOrEqual(capacity);
    expect(reader.size).toBe(1);
  });

  it('refuses a capacity that would keep nothing, and keeps no text longer than its capacity', () => {
    expect(() => new PairSummaryReader(0)).toThrow(RangeError);
    expect(() => new PairSummaryReader(1.5)).toThrow(RangeError);
    const store = openStore('read-models');
    write(store, activeGdapView(PARTNER, 0));
    const reader = new PairSummaryReader(storedText(store, 0).length - 1);
    const summary = read(reader, store, 0);
    expect(served(summary)).toEqual(
      served(decodePairSummary(PARTNER, customerOf(0), storedText(store, 0))),
    );
    expect(read(reader, store, 0)).not.toBe(summary);
    expect(reader.size).toBe(0);
    expect(reader.characters).toBe(0);
  });

  it('R16, R62: version 5’s and version 6’s texts of one pair never mix: each is served as its own form decodes', () => {
    const store = openStore('read-models');
    const reader = new PairSummaryReader();
    const view = { ...activeGdapView(PARTNER, 0), customerDisplayName: 'Fabrikam' };
    write(store, view, encodePairSummaryV5);
    // Version 5's rows hold no customer name, version 6's do.
    expect(read(reader, store, 0).relationships[0].customerDisplayName).toBeNull();
    write(store, view);
    const v6 = read(reader, store, 0);
    expect(v6.relationships[0].customerDisplayName).toBe('Fabrikam');
    expect(served({ ...v6.relationships[0], customerDisplayName: null })).toEqual(
      served(
        decodePairSummary(PARTNER, customerOf(0), encodePairSummaryV5([view])).relationships[0],
      ),
    );
    write(store, view, encodePairSummaryV5);
    expect(read(reader, store, 0).relationships[0].customerDisplayName).toBeNull();
  });

  it('kept summaries are frozen: a caller that tried to change one would throw', () => {
    const store = openStore('read-models');
    write(store, activeGdapView(PARTNER, 0));
    const summary = read(new PairSummaryReader(), store, 0);
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

  it('R16: each read store’s Customers page queries decode their own store’s summaries', () => {
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
        },
      );
    }
    write(blue, activeGdapView(PARTNER, 0));
    write(green, activeGdapView(PARTNER, 0, { status: 'terminationRequested' }));
    const statusIn = (queries: CustomersQueries) => {
      const criteria = customerCriteria({ partnerTenantId: PARTNER, roles: ['ADMIN_AGENT'] }, {});
      const rows = queries.pageWithGdap(criteria, { sort: 'NAME', direction: 'ASC' }, 10, null);
      return gdapOfRows(rows, queries.pairSummaries.decode).get(customerOf(0))!.relationships[0]
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
