import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { customersProjection } from '../../../projections/delegated-admin/customers.projection';
import {
  CustomersQueries,
  type RelationshipRow,
} from '../../../projections/delegated-admin/customers.queries';
import { RELATIONSHIP_COLUMNS } from '../../../projections/delegated-admin/relationship-row';
import {
  gdapRelationshipsProjection,
  savePairSummary,
  saveRelationshipView,
} from '../../../projections/gdap/gdap-relationships.projection';
import { customerCriteria } from '../../../src/delegated-admin/domain/customer-search';
import { DIRECTORY_ROLES } from '../../../src/gdap/domain/role-catalogue';
import type { GdapAssignmentStatus } from '../../../src/gdap/domain/events';
import type { DirectoryRole } from '../../../src/platform/domain/gdap-grants';
import { exportCustomers } from '../../../src/delegated-admin/customers-page/customers-export';
import type { Actor } from '../../../src/platform/domain/actor';
import { partnerSubscriptionsProjection } from '../../../projections/azure-subscriptions/partner-subscriptions.projection';
import { PartnerSubscriptionsQueries } from '../../../projections/azure-subscriptions/partner-subscriptions.queries';
import { GdapRelationshipsQueries } from '../../../projections/gdap/gdap-relationships.queries';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { activeGdapView } from '../../support/gdap-view';
import { createReadModels } from '../../support/read-model-tables';
import { csvObjects } from '../../support/csv';

const PARTNER = 'contoso-partners';
const NAMES = ['Zava Labs', 'Alpine Foods', 'Zava Travel', 'Coho Winery', 'Zava Bank', 'Trey Toys'];

describe('the Customers page’s query with its GDAP summaries (customers.queries.ts)', () => {
  let dir: string;
  let store: ReadStore;
  let queries: CustomersQueries;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'customers-page-gdap-'));
    store = new ReadStore(join(dir, 'read-models.db'));
    createReadModels(store, [customersProjection, gdapRelationshipsProjection]);
    NAMES.forEach((name, index) => {
      const row: RelationshipRow = {
        partner_tenant_id: PARTNER,
        customer_tenant_id: `customer-${index}`,
        partner_name: 'Contoso Partners',
        customer_name: name,
        customer_domain: `${name.toLowerCase().replace(' ', '')}.onmicrosoft.com`,
        relationship_since: '2025-01-01T00:00:00.000Z',
        active: 1,
        dap_status: 'NONE',
        dap_roles: '[]',
        dap_changed_at: null,
        search_name: name.toLowerCase(),
        search_domain: `${name.toLowerCase().replace(' ', '')}.onmicrosoft.com`,
        reseller_active: 1,
        reseller_since: '2025-01-01T00:00:00.000Z',
        gdap_in_force: 0,
      };
      store.run(
        `INSERT INTO customers (${RELATIONSHIP_COLUMNS.join(', ')})
         VALUES (${RELATIONSHIP_COLUMNS.map((column) => `@${column}`).join(', ')})`,
        { ...row },
      );
    });
    // A relationship with every other customer (0, 2, 4: the Zava ones).
    [0, 2, 4].forEach((index) => {
      saveRelationshipView(
        store,
        activeGdapView(PARTNER, index, {
          roles: [DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR],
          autoExtendDuration: 'PT0S',
          assignments: [],
        }),
        index + 1,
      );
      savePairSummary(store, PARTNER, `customer-${index}`);
    });
    queries = new CustomersQueries(store);
  });

  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const viewer = {
    partnerTenantId: PARTNER,
    roles: ['ADMIN_AGENT' as const],
    groups: ['ADMIN_AGENTS'],
  };
  const order = { sort: 'NAME' as const, direction: 'DESC' as const };

  /** The page's GDAP summaries as the Customers page reads them, by customer name. */
  const gdapOfPage = (rows: RelationshipRow[]) => {
    const gdap = queries.pairSummaries.summariesOf(
      PARTNER,
      rows.map((row) => row.customer_tenant_id),
    );
    return rows.map((row) => [
      row.customer_name,
      gdap.get(row.customer_tenant_id)?.relationships.map((node) => node.displayName) ?? null,
    ]);
  };

  it('R16: each row of a searched page has its pair’s summary, read for the page’s rows', () => {
    // A search sorts its matches (name or domain: multi-index OR) before the page is cut.
    const criteria = customerCriteria(viewer, { search: 'za' }, new Date());
    const rows = queries.page(criteria, order, 2, null);
    expect(gdapOfPage(rows)).toEqual([
      ['Zava Travel', ['Helpdesk 2']],
      ['Zava Labs', ['Helpdesk 0']],
    ]);
    const next = queries.page(criteria, order, 2, {
      value: rows[1].search_name,
      tenantId: rows[1].customer_tenant_id,
    });
    expect(gdapOfPage(next)).toEqual([['Zava Bank', ['Helpdesk 4']]]);
  });

  it('R16: a row without GDAP has none', () => {
    const rows = queries.page(customerCriteria(viewer, {}, new Date()), order, 10, null);
    expect(gdapOfPage(rows)).toEqual([
      ['Zava Travel', ['Helpdesk 2']],
      ['Zava Labs', ['Helpdesk 0']],
      ['Zava Bank', ['Helpdesk 4']],
      ['Trey Toys', null],
      ['Coho Winery', null],
      ['Alpine Foods', null],
    ]);
  });

  const actor: Actor = {
    userId: 'ann',
    name: 'Ann',
    tenantId: PARTNER,
    tenantKind: 'partner',
    roles: ['AdminAgent'],
  };
  /** The CLI's export of the partner's whole Customers page, one object per row by name. */
  async function exported(): Promise<Map<string, Record<string, string>>> {
    partnerSubscriptionsProjection.schema.forEach((ddl) => store.db.exec(ddl));
    const out = new PassThrough();
    let csv = '';
    out.on('data', (chunk: Buffer) => (csv += chunk.toString()));
    await exportCustomers(
      queries,
      new PartnerSubscriptionsQueries(store),
      actor,
      { filter: {} },
      out,
    );
    return new Map(csvObjects(csv).map((row) => [row.name, row]));
  }
  const relationshipOf = (index: number) =>
    new GdapRelationshipsQueries(store)
      .ofCustomers(PARTNER, [`customer-${index}`])
      .get(`customer-${index}`)![0];
  const assignment = (
    relationshipId: string,
    securityGroupId: string,
    roles: DirectoryRole[],
    status: GdapAssignmentStatus = 'active',
  ) => ({
    assignmentId: `${relationshipId}-${securityGroupId}`,
    relationshipId,
    securityGroupId,
    roles,
    status,
    createdAt: '2025-01-02T00:00:00.000Z',
  });

  it('R16, R67: a service filter reads the grants in force at its moment, of the caller’s groups, in active assignments of roles that open the portals', () => {
    const { EXCHANGE_ADMINISTRATOR, SECURITY_READER } = DIRECTORY_ROLES;
    const withAssignment = (
      index: number,
      group: string,
      role: DirectoryRole,
      status: GdapAssignmentStatus = 'active',
      endDateTime = '2099-01-01T00:00:00.000Z',
    ) => {
      const view = activeGdapView(PARTNER, index + 10, {
        customerTenantId: `customer-${index}`,
        displayName: `Mail ${index}`,
        endDateTime,
      });
      const assignments = [assignment(view.relationshipId, group, [role], status)];
      saveRelationshipView(store, { ...view, assignments }, 20 + index);
    };
    withAssignment(1, 'HELPDESK_AGENTS', EXCHANGE_ADMINISTRATOR); // Alpine Foods
    withAssignment(3, 'HELPDESK_AGENTS', EXCHANGE_ADMINISTRATOR, 'pending'); // Coho Winery
    withAssignment(
      5,
      'HELPDESK_AGENTS',
      EXCHANGE_ADMINISTRATOR,
      'active',
      '2026-06-01T00:00:00.000Z',
    ); // Trey Toys
    withAssignment(0, 'tier-two', EXCHANGE_ADMINISTRATOR); // Zava Labs
    withAssignment(2, 'HELPDESK_AGENTS', SECURITY_READER); // Zava Travel
    const names = (groups: string[], usable: boolean, at: string) => {
      const hal = { partnerTenantId: PARTNER, roles: ['HELPDESK_AGENT' as const], groups };
      const criteria = customerCriteria(hal, { service: { name: 'Teams', usable } }, new Date(at));
      const rows = queries.page(criteria, { sort: 'NAME', direction: 'ASC' }, 10, null);
      expect(queries.count(criteria)).toBe(rows.length);
      return rows.map((row) => row.customer_name);
    };
    const now = '2026-12-04T00:00:00.000Z';
    expect(names(['HELPDESK_AGENTS'], true, now)).toEqual(['Alpine Foods']);
    expect(names(['HELPDESK_AGENTS', 'tier-two'], true, now)).toEqual([
      'Alpine Foods',
      'Zava Labs',
    ]);
    // Before its end, Trey Toys' grant holds, its expiry recorded or not.
    expect(names(['HELPDESK_AGENTS'], true, '2026-05-01T00:00:00.000Z')).toEqual([
      'Alpine Foods',
      'Trey Toys',
    ]);
    expect(names(['HELPDESK_AGENTS'], false, now)).toEqual([
      'Coho Winery',
      'Trey Toys',
      'Zava Bank',
      'Zava Labs',
      'Zava Travel',
    ]);
    expect(names([], true, now)).toEqual([]);
  });

  it('R67: the CLI export counts GDAP grants in the usable services, as the page and customersCsv do', async () => {
    const view = relationshipOf(0);
    saveRelationshipView(
      store,
      {
        ...view,
        assignments: [
          assignment(view.relationshipId, 'ADMIN_AGENTS', [DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR]),
        ],
      },
      10,
    );
    savePairSummary(store, PARTNER, 'customer-0');
    const rows = await exported();
    // DAP is NONE on every row: only the active assignment's role makes a service usable.
    expect(rows.get('Zava Labs')!.usableServices).not.toBe('');
    expect(rows.get('Zava Travel')!.usableServices).toBe('');
    expect(rows.get('Trey Toys')!.usableServices).toBe('');
  });

  it('R67: the export names which groups hold which roles through GDAP, and when the first of those grants ends', async () => {
    const { HELPDESK_ADMINISTRATOR, USER_ADMINISTRATOR, GLOBAL_ADMINISTRATOR } = DIRECTORY_ROLES;
    const first = relationshipOf(0);
    saveRelationshipView(
      store,
      {
        ...first,
        roles: [HELPDESK_ADMINISTRATOR, USER_ADMINISTRATOR],
        endDateTime: '2031-01-01T00:00:00.000Z',
        assignments: [
          assignment(first.relationshipId, 'tier-two', [
            USER_ADMINISTRATOR,
            HELPDESK_ADMINISTRATOR,
          ]),
          assignment(first.relationshipId, 'ADMIN_AGENTS', [HELPDESK_ADMINISTRATOR]),
          // Neither a pending nor a deleting assignment grants anything yet or any more (R66).
          assignment(first.relationshipId, 'SALES_AGENTS', [USER_ADMINISTRATOR], 'pending'),
          assignment(first.relationshipId, 'night-shift', [USER_ADMINISTRATOR], 'deleting'),
        ],
      },
      10,
    );
    /** Another relationship with customer-0, its Admin Agents holding `role` through it. */
    const another = (
      suffix: string,
      displayName: string,
      endDateTime: string,
      role: DirectoryRole,
    ) => {
      const relationshipId = `00000000-0000-4000-8000-00000000000${suffix}@${PARTNER}`;
      const view = activeGdapView(PARTNER, 0, { displayName, endDateTime });
      const assignments = [assignment(relationshipId, 'ADMIN_AGENTS', [role])];
      saveRelationshipView(
        store,
        { ...view, relationshipId, assignments },
        10 + suffix.charCodeAt(0),
      );
    };
    another('a', 'Mailboxes', '2030-06-01T00:00:00.000Z', USER_ADMINISTRATOR);
    // Past its end, though its expiry is not recorded yet: it grants nothing (R67).
    another('b', 'Ended', '2020-01-01T00:00:00.000Z', GLOBAL_ADMINISTRATOR);
    savePairSummary(store, PARTNER, 'customer-0');

    const rows = await exported();
    expect(rows.get('Zava Labs')).toMatchObject({
      gdapAccess:
        'ADMIN_AGENTS: Helpdesk Administrator, User Administrator; tier-two: Helpdesk Administrator, User Administrator',
      gdapAccessEnds: '2030-06-01T00:00:00.000Z',
    });
    // A relationship without assignments grants nothing; no relationship, nothing either.
    expect(rows.get('Zava Travel')).toMatchObject({ gdapAccess: '', gdapAccessEnds: '' });
    expect(rows.get('Trey Toys')).toMatchObject({ gdapAccess: '', gdapAccessEnds: '' });
  });
});
