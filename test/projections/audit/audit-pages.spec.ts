import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditProjection } from '../../../projections/audit/audit.projection';
import { AuditQueries, type AuditRow } from '../../../projections/audit/audit.queries';
import type { AuditFilter, AuditScope } from '../../../src/audit/domain/audit-visibility';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { plannedRunner } from '../../support/planned-runner';
import { writeStory } from '../../support/story';

/**
 * A customer's entries lie scattered over the log: its pages are read from a covering index in
 * the customer's order, never a table row per entry (figure 12). Each query is run for real and
 * its plan asked of SQLite with the same SQL and parameters.
 */
describe('audit pages: a customer’s page reads no table row (R42)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let reads: ReadStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-pages-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    await writeStory(store, 12);
    reads = new ReadStore(join(dir, 'reads.db'));
    await new ProjectionEngine(store, reads, [auditProjection]).rebuild([], { inPlace: true });
  });

  afterAll(async () => {
    reads.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `read` against the read store, and returns its rows and the plan of each statement. */
  function planned<T>(read: (queries: AuditQueries) => T): { result: T; plans: string[] } {
    const { runner, plans } = plannedRunner(reads);
    return { result: read(new AuditQueries(runner)), plans };
  }

  /** The same entries read from the table itself, newest first. */
  const fromTable = (customerTenantId: string): AuditRow[] =>
    reads.all<AuditRow>(
      'SELECT * FROM audit_log NOT INDEXED WHERE customer_tenant_id = ? ORDER BY position DESC',
      [customerTenantId],
    );

  const customer = 'customer-4';
  const cases: [string, AuditScope, AuditFilter][] = [
    ['a customer Global admin’s page', { kind: 'customer', customerTenantId: customer }, {}],
    ['the Operator filtering by customer', { kind: 'everything' }, { customerTenantId: customer }],
    [
      'a partner user filtering by customer',
      { kind: 'actor-tenant', actorTenantId: 'partner-1' },
      { customerTenantId: customer },
    ],
    [
      'a customer’s page filtered by type',
      { kind: 'customer', customerTenantId: customer },
      { eventTypes: ['InvitationAccepted', 'RelationshipEstablished'] },
    ],
  ];

  it.each(cases)(
    'R42: %s is read from the covering index, every column as stored',
    (_label, scope, filter) => {
      const { result: rows, plans } = planned((queries) =>
        queries.newestFirst(scope, filter, 50, null),
      );
      expect(plans).toEqual([
        expect.stringContaining('USING COVERING INDEX audit_page_by_customer'),
      ]);
      const expected = fromTable(customer).filter(
        (row) =>
          (scope.kind !== 'actor-tenant' || row.actor_tenant_id === scope.actorTenantId) &&
          (!filter.eventTypes || filter.eventTypes.includes(row.type)),
      );
      expect(fromTable(customer).length).toBeGreaterThan(0);
      // A partner's users did nothing in this customer's tenant (its Global admin accepted): R42
      // leaves them no entry; every other case has some.
      expect(expected.length === 0).toBe(scope.kind === 'actor-tenant');
      expect(rows).toEqual(expected);
    },
  );

  it('R42: a customer’s page before a cursor and an export’s page are read from it too', () => {
    const all = fromTable(customer);
    const before = planned((queries) =>
      queries.newestFirst({ kind: 'customer', customerTenantId: customer }, {}, 2, all[0].position),
    );
    expect(before.result).toEqual(all.slice(1, 3));
    const exported = planned((queries) =>
      queries.oldestFirst({ kind: 'everything' }, { customerTenantId: customer }, 1000, 0),
    );
    expect(exported.result).toEqual([...all].reverse());
    expect([...before.plans, ...exported.plans]).toEqual([
      expect.stringContaining('USING COVERING INDEX audit_page_by_customer'),
      expect.stringContaining('USING COVERING INDEX audit_page_by_customer'),
    ]);
  });

  it('R42: a customer’s entries are counted from the narrow index, not the wide one', () => {
    const { result, plans } = planned((queries) =>
      queries.count({ kind: 'customer', customerTenantId: customer }, {}),
    );
    expect(result).toBe(fromTable(customer).length);
    expect(plans).toEqual([expect.stringContaining('USING COVERING INDEX audit_by_customer ')]);
  });
});
