import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditProjection } from '../../../projections/audit/audit.projection';
import { AuditQueries, type AuditRow } from '../../../projections/audit/audit.queries';
import type { AuditFilter, AuditScope } from '../../../src/audit/domain/audit-visibility';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { ReadModelNotReadyError } from '../../../src/platform/projection-engine/checkpoints';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { plannedRunner } from '../../support/planned-runner';
import { writeStory } from '../../support/story';

/**
 * A customer's entries lie scattered over the log: its pages are read from a covering index in
 * the customer's order, never a table row per entry (figure 12). Each query is run for real and
 * its plan asked of SQLite with the same SQL and parameters.
 */
describe('audit pages read from their indexes: a customer’s reads no table row (R42), a request’s its own (R41)', () => {
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

  /**
   * R41: the entries of one request (auditLog's `correlationId` filter) are read from
   * audit_by_correlation (audit version 13), whatever the caller's scope, never by walking the log.
   */
  describe('of one request (correlationId)', () => {
    let request: AuditRow;

    beforeAll(() => {
      // An acceptance: the customer's Global admin's request, three events in its tenant.
      request = reads.get<AuditRow>(
        `SELECT * FROM audit_log WHERE type = 'RelationshipEstablished' ORDER BY position LIMIT 1 OFFSET 4`,
      )!;
    });

    const rowsWhere = (where: (row: AuditRow) => boolean): AuditRow[] =>
      reads
        .all<AuditRow>('SELECT * FROM audit_log NOT INDEXED ORDER BY position DESC')
        .filter(where);

    const customerOfRequest = () => request.customer_tenant_id!;
    const cases: [string, () => AuditScope, () => AuditFilter][] = [
      ['the Operator', () => ({ kind: 'everything' }), () => ({})],
      [
        'the Operator, within a time range',
        () => ({ kind: 'everything' }),
        () => ({ from: new Date(request.occurred_at), to: new Date('2100-01-01T00:00:00.000Z') }),
      ],
      [
        'the customer’s Global admin',
        () => ({ kind: 'customer', customerTenantId: customerOfRequest() }),
        () => ({}),
      ],
      [
        'the customer’s Global admin, by type too',
        () => ({ kind: 'customer', customerTenantId: customerOfRequest() }),
        () => ({ eventTypes: ['RelationshipEstablished'] }),
      ],
      [
        'a partner user (none of its users acted in it)',
        () => ({ kind: 'actor-tenant', actorTenantId: request.partner_tenant_id! }),
        () => ({}),
      ],
    ];

    it.each(cases)(
      'R41, R42: %s reads the request’s entries from audit_by_correlation',
      (_label, scopeOf, filterOf) => {
        const scope = scopeOf();
        const filter = { ...filterOf(), correlationId: request.correlation_id };
        const { runner, plans } = plannedRunner(reads);
        const queries = new AuditQueries(runner);
        const rows = queries.newestFirst(scope, filter, 50, null);
        const total = queries.count(scope, filter);
        const expected = rowsWhere(
          (row) =>
            row.correlation_id === request.correlation_id &&
            (scope.kind !== 'customer' || row.customer_tenant_id === scope.customerTenantId) &&
            (scope.kind !== 'actor-tenant' || row.actor_tenant_id === scope.actorTenantId) &&
            (!filter.eventTypes || filter.eventTypes.includes(row.type)) &&
            (!filter.from || row.occurred_at >= filter.from.toISOString()),
        );
        expect(rows).toEqual(expected);
        expect(total).toBe(expected.length);
        expect(expected.length > 0).toBe(scope.kind !== 'actor-tenant');
        const reading = plans.filter((plan) => !plan.includes('sqlite_master'));
        expect(reading).toEqual([
          expect.stringMatching(/USING INDEX audit_by_correlation \(correlation_id=\?/),
          expect.stringMatching(/USING (COVERING )?INDEX audit_by_correlation \(correlation_id=\?/),
        ]);
      },
    );

    it('R41: while version 12 serves (no audit_by_correlation), the filter is refused with NOT_READY, other filters answer', () => {
      const older = new ReadStore(join(dir, 'v12.db'));
      try {
        // Version 12: the tables and indexes of those after it, but audit_by_correlation.
        auditProjection.schema.forEach((ddl) => older.db.exec(ddl));
        auditProjection
          .queryIndexes!.filter((ddl) => !ddl.includes('audit_by_correlation'))
          .forEach((ddl) => older.db.exec(ddl));
        const queries = new AuditQueries(older);
        const everything: AuditScope = { kind: 'everything' };
        const byRequest = { correlationId: request.correlation_id };
        expect(() => queries.newestFirst(everything, byRequest, 50, null)).toThrow(
          ReadModelNotReadyError,
        );
        expect(() => queries.oldestFirst(everything, byRequest, 50, 0)).toThrow(
          ReadModelNotReadyError,
        );
        expect(() => queries.count(everything, byRequest)).toThrow(ReadModelNotReadyError);
        expect(queries.newestFirst(everything, {}, 50, null)).toEqual([]);
      } finally {
        older.close();
      }
    });
  });
});
