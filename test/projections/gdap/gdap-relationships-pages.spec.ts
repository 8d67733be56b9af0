import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  gdapRelationshipsProjection,
  saveRelationshipView,
} from '../../../projections/gdap/gdap-relationships.projection';
import {
  type GdapRelationshipFilter,
  GdapRelationshipsQueries,
} from '../../../projections/gdap/gdap-relationships.queries';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { activeGdapView } from '../../support/gdap-view';
import { plannedRunner } from '../../support/planned-runner';

const PARTNERS = ['contoso-partners', 'northwind-partners', 'tailspin-partners'];
const CUSTOMERS = 7;
const RELATIONSHIPS = 120;

/**
 * delegatedAdminRelationships pages one tenant's relationships by id (R17). Relationship ids start
 * with a UUID, so a page that walked every id and tested each row's tenant read the whole table
 * for a customer with a few relationships among many (395 ms at 200,000). Each page is run for
 * real and its plan asked of SQLite with the same SQL and parameters.
 */
describe('GDAP relationship pages read the tenant’s own index (R17)', () => {
  let dir: string;
  let reads: ReadStore;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gdap-pages-'));
    reads = new ReadStore(join(dir, 'reads.db'));
    reads.transaction(() => {
      gdapRelationshipsProjection.schema.forEach((ddl) => reads.db.exec(ddl));
      gdapRelationshipsProjection.queryIndexes?.forEach((ddl) => reads.db.exec(ddl));
      for (let index = 0; index < RELATIONSHIPS; index++) {
        // Ids out of insertion order; statuses mixed.
        const view = activeGdapView(PARTNERS[index % PARTNERS.length], (index * 37) % 1000, {
          customerTenantId: `customer-${index % CUSTOMERS}`,
          status: index % 4 === 0 ? 'created' : 'active',
        });
        saveRelationshipView(reads, view, index + 1);
      }
    });
  });

  afterAll(() => {
    reads.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every page of `filter`, `size` at a time, and the plan of each page's statement. */
  function pages(filter: GdapRelationshipFilter, size: number) {
    const { runner, plans } = plannedRunner(reads);
    const queries = new GdapRelationshipsQueries(runner);
    const ids: string[] = [];
    for (let after: string | null = null; ;) {
      const page = queries.page(filter, size, after);
      ids.push(...page.map((view) => view.relationshipId));
      if (page.length < size) return { ids, plans: [...new Set(plans)] };
      after = page[page.length - 1].relationshipId;
    }
  }

  /** The same relationships read from the table itself, by id. */
  const fromTable = (filter: GdapRelationshipFilter): string[] =>
    reads
      .all<{ relationship_id: string }>(
        `SELECT relationship_id FROM gdap_relationships NOT INDEXED
         WHERE (@partner IS NULL OR partner_tenant_id = @partner)
           AND (@customer IS NULL OR customer_tenant_id = @customer)
           AND (@status IS NULL OR status = @status)
         ORDER BY relationship_id`,
        {
          partner: filter.partnerTenantId ?? null,
          customer: filter.customerTenantId ?? null,
          status: filter.status ?? null,
        },
      )
      .map((row) => row.relationship_id);

  const cases: [string, GdapRelationshipFilter, RegExp][] = [
    ['a partner’s', { partnerTenantId: PARTNERS[1] }, /by_partner_id \(partner_tenant_id=\?/],
    [
      'a partner’s by status',
      { partnerTenantId: PARTNERS[1], status: 'created' },
      /by_partner_id \(partner_tenant_id=\?/,
    ],
    ['a customer’s', { customerTenantId: 'customer-3' }, /by_customer_id \(customer_tenant_id=\?/],
    [
      'a customer’s by status',
      { customerTenantId: 'customer-3', status: 'active' },
      /by_customer_id \(customer_tenant_id=\?/,
    ],
    [
      'one pair’s',
      { partnerTenantId: PARTNERS[2], customerTenantId: 'customer-3' },
      /USING INDEX gdap_relationships_by_(customer_id|pair) /,
    ],
  ];

  it.each(cases)(
    'R17: %s relationships, paged by id, are the table’s, read from that tenant’s index',
    (_label, filter, index) => {
      const expected = fromTable(filter);
      expect(expected.length).toBeGreaterThan(3);
      for (const size of [1, 4, 100]) {
        const { ids, plans } = pages(filter, size);
        expect(ids).toEqual(expected);
        expect(plans).toEqual([expect.stringMatching(index)]);
        expect(plans[0]).not.toContain('sqlite_autoindex');
      }
    },
  );

  it.each(cases)(
    'R17: %s relationships are counted (totalCount) from an index of that tenant alone',
    (_label, filter) => {
      const { runner, plans } = plannedRunner(reads);
      expect(new GdapRelationshipsQueries(runner).count(filter)).toBe(fromTable(filter).length);
      // A search of the tenant's own range (whichever of its indexes SQLite picks), never a scan.
      const tenant = filter.partnerTenantId ? 'partner' : 'customer';
      expect(plans).toEqual([
        expect.stringMatching(
          new RegExp(
            `^SEARCH gdap_relationships USING (COVERING )?INDEX \\w+ \\(.*${tenant}_tenant_id=\\?`,
          ),
        ),
      ]);
    },
  );

  it('R15: the partners in force with a customer are the table’s, read from the customer’s index', () => {
    const { runner, plans } = plannedRunner(reads);
    const partners = new GdapRelationshipsQueries(runner).partnersInForceWith(
      'customer-3',
      new Date('2026-06-01T00:00:00.000Z'),
    );
    const expected = reads
      .all<{ id: string }>(
        `SELECT DISTINCT partner_tenant_id AS id FROM gdap_relationships NOT INDEXED
         WHERE customer_tenant_id = 'customer-3' AND status = 'active' ORDER BY id`,
      )
      .map((row) => row.id);
    expect(expected.length).toBeGreaterThan(1);
    expect(partners.map((row) => row.partner_tenant_id)).toEqual(expected);
    expect(partners.every((row) => row.partner_name === 'Contoso Partners')).toBe(true);
    expect(plans).toEqual([
      expect.stringMatching(
        /^SEARCH gdap_relationships USING INDEX gdap_relationships_by_customer \(customer_tenant_id=\?\)/,
      ),
    ]);
  });

  it('R17: the Operator’s page with no tenant walks every relationship by id', () => {
    const { ids } = pages({}, 7);
    expect(ids).toEqual(fromTable({}));
    expect(ids).toHaveLength(RELATIONSHIPS);
    expect(new GdapRelationshipsQueries(reads).count({})).toBe(RELATIONSHIPS);
  });

  it('R15, R43: one pair’s relationships come by display name, as at asOf, at most `limit` of them', () => {
    const own = new ReadStore(join(dir, 'pair.db'));
    try {
      gdapRelationshipsProjection.schema.forEach((ddl) => own.db.exec(ddl));
      // Ids in the opposite order of the names.
      ['Zulu', 'Mike', 'Alpha'].forEach((displayName, index) =>
        saveRelationshipView(
          own,
          activeGdapView('contoso-partners', index, { customerTenantId: 'fabrikam', displayName }),
          index + 1,
        ),
      );
      const names = (limit?: number) =>
        new GdapRelationshipsQueries(own)
          .ofCustomers('contoso-partners', ['fabrikam'], limit)
          .get('fabrikam')!
          .map((view) => view.displayName);
      expect(names()).toEqual(['Alpha', 'Mike', 'Zulu']);
      expect(names(2)).toEqual(['Alpha', 'Mike']);
    } finally {
      own.close();
    }
  });
});
