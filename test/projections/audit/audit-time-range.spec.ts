import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AUDIT_LOG_INSERT,
  STORED_COLUMNS,
  storedValues,
} from '../../../projections/audit/audit-columns';
import { auditProjection } from '../../../projections/audit/audit.projection';
import { AuditQueries, type AuditRow } from '../../../projections/audit/audit.queries';
import type { AuditFilter, AuditScope } from '../../../src/audit/domain/audit-visibility';
import { ReadStore, type SqlParams } from '../../../src/platform/read-store/read-store';
import { createReadModels } from '../../support/read-model-tables';
import { planSteps } from '../../support/planned-runner';

const ENTRIES = 3_000;
const START = Date.UTC(2026, 0, 1);
const minute = (n: number) => new Date(START + n * 60_000);

/**
 * Entry `position` happened at minute `position`, except every 7th, which was recorded an hour
 * late or early: time mostly follows position, as clocks of several writers make it, but not always.
 */
const occurredMinute = (position: number) =>
  position % 7 === 0 ? position + (position % 14 === 0 ? 60 : -60) : position;

/**
 * A time-filtered page reads either every entry of the range through the time index, or walks
 * positions from the page's start; the queries keep SQLite off the time index when the range's
 * ends say walking is cheaper. Whichever is read, the rows are those of the filter over the whole
 * table (checked here with entries out of time order), and a range that is most of the log is
 * walked, never read whole and sorted.
 */
describe('audit pages filtered by time (R41, R42)', () => {
  let dir: string;
  let reads: ReadStore;
  let all: AuditRow[];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'audit-time-'));
    reads = new ReadStore(join(dir, 'reads.db'));
    reads.transaction(() => {
      createReadModels(reads, [auditProjection]);
      const insert = reads.db.prepare(AUDIT_LOG_INSERT);
      for (let position = 1; position <= ENTRIES; position++) {
        const row = {
          ...(Object.fromEntries(
            STORED_COLUMNS.map((column) => [column, `${column}-${position % 5}`]),
          ) as unknown as AuditRow),
          position,
          revision: 0,
          occurred_at: minute(occurredMinute(position)).toISOString(),
          customer_tenant_id: `customer-${position % 3}`,
        };
        insert.run(storedValues(row));
      }
    });
    all = reads.all<AuditRow>('SELECT * FROM audit_log NOT INDEXED ORDER BY position');
  });

  afterAll(() => {
    reads.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The AuditQueries over the read store, and the plan SQLite gives each page statement. */
  function planned<T>(read: (queries: AuditQueries) => T): { result: T; plans: string[] } {
    const plans: string[] = [];
    const result = read(
      new AuditQueries({
        run: (sql, params) => reads.run(sql, params),
        get: (sql, params) => reads.get(sql, params),
        all: (sql: string, params: SqlParams = []) => {
          plans.push(planSteps(reads, sql, params).join(' | '));
          return reads.all(sql, params);
        },
      }),
    );
    return { result, plans };
  }

  const inFilter = (scope: AuditScope, filter: AuditFilter) => (row: AuditRow) =>
    (scope.kind !== 'customer' || row.customer_tenant_id === scope.customerTenantId) &&
    (!filter.from || row.occurred_at >= filter.from.toISOString()) &&
    (!filter.to || row.occurred_at < filter.to.toISOString());

  const ranges: [string, AuditFilter][] = [
    ['most of the log', { from: minute(10), to: minute(2_900) }],
    ['an old stretch', { from: minute(100), to: minute(400) }],
    ['a recent stretch', { from: minute(2_700), to: minute(2_990) }],
    ['everything since', { from: minute(1_500) }],
    ['everything until', { to: minute(200) }],
    ['nothing', { from: minute(5_000) }],
  ];
  const scopes: AuditScope[] = [
    { kind: 'everything' },
    { kind: 'customer', customerTenantId: 'customer-1' },
  ];
  const cases = ranges.flatMap(([label, filter]) =>
    scopes.map((scope) => [label, scope.kind, scope, filter] as const),
  );

  it.each(cases)(
    'R41: %s (%s) pages newest first exactly as the filter over the table',
    (_label, _kind, scope, filter) => {
      const expected = all.filter(inFilter(scope, filter)).reverse();
      for (const before of [null, 2_950, 1_234, 150]) {
        const { result } = planned((queries) => queries.newestFirst(scope, filter, 20, before));
        expect(result).toEqual(
          expected.filter((row) => before === null || row.position < before).slice(0, 20),
        );
      }
    },
  );

  it.each(cases)(
    'R41: %s (%s) exports oldest first exactly as the filter over the table',
    (_label, _kind, scope, filter) => {
      const expected = all.filter(inFilter(scope, filter));
      for (const after of [0, 140, 1_234, 2_950]) {
        const { result } = planned((queries) =>
          queries.oldestFirst(scope, filter, 20, after, 2_990),
        );
        expect(result).toEqual(
          expected.filter((row) => row.position > after && row.position <= 2_990).slice(0, 20),
        );
      }
    },
  );

  it('R41: a range that is most of the log is walked by position, never read whole and sorted', () => {
    const filter = ranges[0][1];
    const newest = planned((queries) =>
      queries.newestFirst({ kind: 'everything' }, filter, 50, null),
    );
    const oldest = planned((queries) => queries.oldestFirst({ kind: 'everything' }, filter, 50, 0));
    for (const plan of [...newest.plans, ...oldest.plans]) {
      expect(plan).toContain('USING INTEGER PRIMARY KEY');
      expect(plan).not.toContain('TEMP B-TREE');
    }
  });

  it('R41: a short stretch far from the page’s start takes the page’s positions from the time index alone', () => {
    const [old, recent] = [ranges[1][1], ranges[2][1]];
    const newest = planned((queries) => queries.newestFirst({ kind: 'everything' }, old, 50, null));
    const oldest = planned((queries) => queries.oldestFirst({ kind: 'everything' }, recent, 50, 0));
    expect([newest.result.length, oldest.result.length]).toEqual([50, 50]);
    for (const plan of [...newest.plans, ...oldest.plans]) {
      expect(plan).toContain('USING COVERING INDEX audit_by_time');
    }
  });
});
