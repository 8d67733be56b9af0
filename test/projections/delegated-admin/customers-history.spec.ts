import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { customersHistoryProjection } from '../../../projections/delegated-admin/customers-history.projection';
import { CustomersHistoryQueries } from '../../../projections/delegated-admin/customers-history.queries';
import { customersProjection } from '../../../projections/delegated-admin/customers.projection';
import { CustomersQueries } from '../../../projections/delegated-admin/customers.queries';
import type { RecordedEvent } from '../../../src/platform/event-store/event-store';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { recordedDomainEventOf } from '../../../src/platform/event-store/unreadable-events';
import { applyTyped } from '../../../src/platform/projection-engine/projection';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { actorOf, append, eventBy, eventData as d, minute } from '../../support/audit-events';
import { people } from '../../support/tenants';
import { customerCriteria } from '../../../src/delegated-admin/domain/customer-search';

const BY_NAME = { sort: 'NAME', direction: 'ASC' } as const;

const [ann, otto, fay, wes] = [people.ann, people.otto, people.fay, people.wes].map(actorOf);
const [C, O, F, W, N] = [
  'contoso-partners',
  'other-partners',
  'fabrikam',
  'woodgrove',
  'northwind',
];
const PARTNERS = [C, O];
const CUSTOMERS = [F, W, N];

/** C's GDAP relationships: one with W (a reseller customer until minute 8), one with N (GDAP alone). */
const gdap = (relationshipId: string, customerTenantId: string) => ({
  relationshipId: `${relationshipId}@${C}`,
  partnerTenantId: C,
  customerTenantId,
});
const gdapCreated = (relationshipId: string, customerTenantId: string) => ({
  ...gdap(relationshipId, customerTenantId),
  partnerName: 'Contoso Partners',
  displayName: `Helpdesk ${customerTenantId}`,
  duration: 'P90D',
  roles: [],
  autoExtendDuration: 'PT0S',
});
const gdapApproved = (relationshipId: string, customerTenantId: string, at: string) => ({
  ...gdap(relationshipId, customerTenantId),
  approvedByUserId: 'fay',
  activatedAt: at,
  endDateTime: '2025-06-01T00:00:00.000Z',
  customerDisplayName: `${customerTenantId} Inc`,
});
const seconds = (at: string, plus: number) => new Date(Date.parse(at) + plus * 1000).toISOString();

/** [who, stream, type, data, when]: relationships, DAP and GDAP coming and going, in log order. */
const SCRIPT = [
  [
    fay,
    `relationship-${C}_${F}`,
    'RelationshipEstablished',
    d.relationshipEstablished('i1', C, F),
    minute(1),
  ],
  [
    fay,
    `dapgrant-${C}_${F}`,
    'DelegatedAdminGranted',
    d.delegatedAdminGranted('i1', C, F),
    minute(2),
  ],
  [
    wes,
    `relationship-${O}_${W}`,
    'RelationshipEstablished',
    d.relationshipEstablished('i2', O, W),
    minute(3),
  ],
  [ann, `gdap-${C}`, 'DelegatedAdminRelationshipCreated', gdapCreated('g-n', N), minute(3)],
  [
    wes,
    `relationship-${C}_${W}`,
    'RelationshipEstablished',
    d.relationshipEstablished('i3', C, W),
    minute(4),
  ],
  [ann, `gdap-${C}`, 'DelegatedAdminRelationshipCreated', gdapCreated('g-w', W), minute(4)],
  [fay, `dapgrant-${C}_${F}`, 'DelegatedAdminRemoved', d.delegatedAdminRemoved(C, F), minute(5)],
  [
    ann,
    `dapgrant-${C}_${F}`,
    'ServiceRequestOpened',
    d.serviceRequestOpened(C, F, 'Quota'),
    minute(5),
  ],
  [
    fay,
    `relationship-${O}_${F}`,
    'RelationshipEstablished',
    d.relationshipEstablished('i4', O, F),
    minute(6),
  ],
  [
    fay,
    `dapgrant-${O}_${F}`,
    'DelegatedAdminGranted',
    d.delegatedAdminGranted('i4', O, F),
    minute(7),
  ],
  [
    wes,
    `gdap-${C}`,
    'DelegatedAdminRelationshipApproved',
    gdapApproved('g-w', W, minute(6)),
    minute(6),
  ],
  [
    wes,
    `gdap-${C}`,
    'DelegatedAdminRelationshipApproved',
    gdapApproved('g-n', N, minute(7)),
    minute(7),
  ],
  [ann, `relationship-${C}_${W}`, 'RelationshipEnded', d.relationshipEnded(C, W), minute(8)],
  [ann, `relationship-${C}_${F}`, 'RelationshipEnded', d.relationshipEnded(C, F), minute(9)],
  [
    fay,
    `relationship-${C}_${F}`,
    'RelationshipEstablished',
    d.relationshipEstablished('i5', C, F),
    minute(10),
  ],
  [
    fay,
    `dapgrant-${C}_${F}`,
    'DelegatedAdminGranted',
    d.delegatedAdminGranted('i5', C, F),
    minute(11),
  ],
  // Decided before the previous event but appended after it: business times may interleave.
  [
    wes,
    `dapgrant-${O}_${W}`,
    'DelegatedAdminGranted',
    d.delegatedAdminGranted('i2', O, W),
    seconds(minute(10), 30),
  ],
  [otto, `invitation-i6`, 'InvitationCreated', d.invitationCreated('i6', O, null), minute(12)],
  [
    ann,
    `gdap-${C}`,
    'DelegatedAdminRelationshipTerminationRequested',
    { ...gdap('g-n', N), requestedBy: 'PARTNER' },
    minute(12),
  ],
  [fay, `dapgrant-${O}_${F}`, 'DelegatedAdminRemoved', d.delegatedAdminRemoved(O, F), minute(13)],
] as const;

/** Moments before, at, between and after the events, including inside the interleaving. */
const MOMENTS = [
  minute(0),
  ...Array.from({ length: 14 }, (_, n) => [minute(n + 1), seconds(minute(n + 1), 30)]).flat(),
  seconds(minute(10), 45),
  '2030-01-01T00:00:00.000Z',
];

/**
 * What a customers projection stopped at `asOf` holds: every event of the log's longest prefix
 * whose business times are all at or before that moment.
 */
function stoppedAt(events: readonly RecordedEvent[], asOf: string): RecordedEvent[] {
  const later = events.findIndex((event) => event.metadata.occurredAt > asOf);
  return later === -1 ? [...events] : events.slice(0, later);
}

describe('customers-history: the pages as they stood (R43)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let events: RecordedEvent[];
  let history: ReadStore;
  const opened: ReadStore[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'customers-history-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    for (const [actor, streamId, type, data, at] of SCRIPT) {
      await append(store, streamId, eventBy(actor, type, data, at));
    }
    events = await store.readAll({ maxCount: 1000 });
    history = new ReadStore(join(dir, 'history.db'));
    opened.push(history);
    await new ProjectionEngine(store, history, [customersHistoryProjection], {
      batchSize: 4,
    }).catchUp();
  });

  afterAll(async () => {
    opened.forEach((readStore) => readStore.close());
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh customers projection on its own ReadStore, fed only the events up to `asOf`. */
  function customersStoppedAt(asOf: string, index: number): CustomersQueries {
    const replica = new ReadStore(join(dir, `stopped-${index}.db`));
    opened.push(replica);
    replica.transaction(() => {
      customersProjection.schema.forEach((ddl) => replica.db.exec(ddl));
      for (const event of stoppedAt(events, asOf)) {
        const readable = recordedDomainEventOf(event);
        if (readable) applyTyped(customersProjection, readable, replica);
      }
    });
    return new CustomersQueries(replica);
  }

  it.each(MOMENTS.map((asOf, index) => [asOf, index] as const))(
    'R43: as of %s, both pages equal a customers projection stopped there',
    (asOf, index) => {
      const stopped = customersStoppedAt(asOf, index);
      const past = new CustomersHistoryQueries(history);
      const at = new Date(asOf);
      for (const partner of PARTNERS) {
        const criteria = customerCriteria(
          { partnerTenantId: partner, roles: [], groups: [] },
          {},
          new Date(),
        );
        expect(past.page(partner, 500, null, at)).toEqual(
          stopped.page(criteria, BY_NAME, 500, null),
        );
        expect(past.count(partner, at)).toBe(stopped.count(criteria));
        const first = past.page(partner, 1, null, at);
        if (first.length === 1) {
          const [name, tenantId] = [first[0].search_name, first[0].customer_tenant_id];
          expect(past.page(partner, 500, { name, tenantId }, at)).toEqual(
            stopped.page(criteria, BY_NAME, 500, { value: name, tenantId }),
          );
        }
      }
      for (const customer of CUSTOMERS) {
        expect(past.partnersOf(customer, at)).toEqual(stopped.partnersOf(customer));
      }
    },
  );

  it('R43: the moments cover every kind of change (the comparison above is not vacuous)', () => {
    const past = new CustomersHistoryQueries(history);
    const dapOf = (asOf: string) =>
      past.partnersOf(F, new Date(asOf)).map((row) => `${row.partner_tenant_id}:${row.dap_status}`);
    expect(dapOf(minute(0))).toEqual([]);
    expect(dapOf(minute(2))).toEqual([`${C}:ACTIVE`]);
    expect(dapOf(minute(5))).toEqual([`${C}:REMOVED`]);
    expect(dapOf(minute(7))).toEqual([`${C}:REMOVED`, `${O}:ACTIVE`]);
    expect(dapOf(minute(9))).toEqual([`${O}:ACTIVE`]);
    expect(dapOf(minute(11))).toEqual([`${C}:ACTIVE`, `${O}:ACTIVE`]);
    expect(dapOf(minute(13))).toEqual([`${C}:ACTIVE`, `${O}:REMOVED`]);
    // Appended after minute 11's event, so not yet there at 10:45 although decided at 10:30.
    const woodgrove = (asOf: string) => past.partnersOf(W, new Date(asOf))[0].dap_status;
    expect(woodgrove(seconds(minute(10), 45))).toBe('NONE');
    expect(woodgrove(minute(11))).toBe('ACTIVE');
  });

  it('R16, R43: the moments cover GDAP listing customers too: alone, and past a reseller relationship’s end', () => {
    const past = new CustomersHistoryQueries(history);
    const listed = (asOf: string) =>
      past
        .page(C, 500, null, new Date(asOf))
        .map((row) => `${row.customer_tenant_id}:${row.reseller_active}:${row.relationship_since}`);
    expect(listed(minute(5))).toEqual([`${F}:1:${minute(1)}`, `${W}:1:${minute(4)}`]);
    expect(listed(minute(7))).toEqual([
      `${F}:1:${minute(1)}`,
      `${N}:0:${minute(7)}`,
      `${W}:1:${minute(4)}`,
    ]);
    expect(listed(minute(9))).toEqual([`${N}:0:${minute(7)}`, `${W}:0:${minute(6)}`]);
    expect(listed(minute(12))).toEqual([`${F}:1:${minute(10)}`, `${W}:0:${minute(6)}`]);
    // The customer's own page lists reseller rows alone (R15 reads GDAP partners apart).
    expect(past.partnersOf(N, new Date(minute(7)))).toEqual([]);
  });

  it('handles every event type the customers projection handles', () => {
    const handled = Object.keys(customersHistoryProjection.handlers);
    expect(handled).toEqual(expect.arrayContaining(Object.keys(customersProjection.handlers)));
  });

  it('replaying gives the same versions', async () => {
    const again = new ReadStore(join(dir, 'history-again.db'));
    opened.push(again);
    await new ProjectionEngine(store, again, [customersHistoryProjection]).catchUp();
    const rows = (readStore: ReadStore) =>
      readStore.all('SELECT * FROM customers_history ORDER BY 1, 2, valid_from_position');
    expect(rows(again)).toEqual(rows(history));
  });

  it('R43: one event per batch or all in one leave the same versions and clock (the clock moves in memory through a batch)', async () => {
    const replay = async (name: string, batchSize: number) => {
      const readStore = new ReadStore(join(dir, name));
      opened.push(readStore);
      await new ProjectionEngine(store, readStore, [customersHistoryProjection], {
        batchSize,
      }).catchUp();
      return {
        versions: readStore.all('SELECT * FROM customers_history ORDER BY rowid'),
        clock: readStore.all('SELECT * FROM customers_history_clock'),
      };
    };
    const one = await replay('history-one-by-one.db', 1);
    expect(await replay('history-all-at-once.db', 5000)).toEqual(one);
    // The last event moved the clock; the interleaved one (minute 10:30) did not move it back.
    expect(one.clock).toEqual([{ id: 1, position: events.length, at: minute(13) }]);
    // 13 versions of reseller rows and DAP; GDAP adds three: Woodgrove's approval, Northwind listed, then not.
    expect(one.versions).toHaveLength(16);
  });
});
