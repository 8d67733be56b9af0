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
 * R41: the entries of one request (auditLog's `correlationId` filter) are read from
 * audit_by_correlation (audit version 13), whatever the caller's scope, never by walking the log.
 */
describe('audit pages of one request (correlationId)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let reads: ReadStore;
  let request: AuditRow;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-correlation-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    await writeStory(store, 12);
    reads = new ReadStore(join(dir, 'reads.db'));
    await new ProjectionEngine(store, reads, [auditProjection]).rebuild([], { inPlace: true });
    // An acceptance: the customer's Global admin's request, three events in its tenant.
    request = reads.get<AuditRow>(
      `SELECT * FROM audit_log WHERE type = 'RelationshipEstablished' ORDER BY position LIMIT 1 OFFSET 4`,
    )!;
  });

  afterAll(async () => {
    reads.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const fromTable = (where: (row: AuditRow) => boolean): AuditRow[] =>
    reads.all<AuditRow>('SELECT * FROM audit_log NOT INDEXED ORDER BY position DESC').filter(where);

  const customer = () => request.customer_tenant_id!;
  const cases: [string, () => AuditScope, () => AuditFilter][] = [
    ['the Operator', () => ({ kind: 'everything' }), () => ({})],
    [
      'the Operator, within a time range',
      () => ({ kind: 'everything' }),
      () => ({ from: new Date(request.occurred_at), to: new Date('2100-01-01T00:00:00.000Z') }),
    ],
    [
      'the customer’s Global admin',
      () => ({ kind: 'customer', customerTenantId: customer() }),
      () => ({}),
    ],
    [
      'the customer’s Global admin, by type too',
      () => ({ kind: 'customer', customerTenantId: customer() }),
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
      const expected = fromTable(
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
      const previous = auditProjection.previous!;
      previous.schema.forEach((ddl) => older.db.exec(ddl));
      previous.queryIndexes!.forEach((ddl) => older.db.exec(ddl));
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
