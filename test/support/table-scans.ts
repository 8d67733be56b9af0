import type { ReadStore, SqlParams } from '../../src/platform/read-store/read-store';
import { planSteps } from './planned-runner';

/** A totalCount reads every matching row, but only when the caller asks for it. */
const COUNTED_WHEN_ASKED = /^SELECT COUNT\(\*\)/i;

/**
 * Tables a statement may read whole: the engine's own, a row per projection or set-aside event,
 * and SQLite's schema (a row per table and index: whether a version's index exists yet).
 */
const SMALL_TABLES = new Set([
  'projection_checkpoints',
  'projection_builds',
  'projection_dead_letters',
  'sqlite_master',
]);

/** What a plan reads whole: tables and indexes (`SCAN t`), not co-routines or virtual tables. */
function wholeReads(details: readonly string[]): string[] {
  const coroutines = new Set(
    details.flatMap((detail) => /^(?:CO-ROUTINE|MATERIALIZE) (\S+)/.exec(detail)?.[1] ?? []),
  );
  return details
    .filter((detail) => !detail.includes('VIRTUAL TABLE'))
    .flatMap((detail) => /^SCAN (\S+)/.exec(detail)?.[1] ?? [])
    .filter((name) => !coroutines.has(name) && !SMALL_TABLES.has(name) && name !== 'CONSTANT');
}

/**
 * Watches the queries run on `store` (its `get` and `all`) and keeps each statement whose plan
 * reads a whole read-model table or index, with its plan: a query that grows with the data.
 */
export function watchTableScans(store: ReadStore): { scans: Map<string, string>; stop(): void } {
  const scans = new Map<string, string>();
  const checked = new Set<string>(); // a statement's plan does not depend on its values
  const { get, all } = store;
  const check = (sql: string, params: SqlParams = []) => {
    const statement = sql.replace(/\s+/g, ' ').trim();
    if (!/^(SELECT|WITH)\b/i.test(statement) || COUNTED_WHEN_ASKED.test(statement)) return;
    if (checked.has(statement)) return;
    checked.add(statement);
    const details = planSteps(store, sql, params);
    if (wholeReads(details).length > 0) scans.set(statement, details.join(' | '));
  };
  store.get = <Row>(sql: string, params?: SqlParams): Row | undefined => {
    check(sql, params);
    return get.call(store, sql, params) as Row | undefined;
  };
  store.all = <Row>(sql: string, params?: SqlParams): Row[] => {
    check(sql, params);
    return all.call(store, sql, params) as Row[];
  };
  return {
    scans,
    stop() {
      store.get = get;
      store.all = all;
    },
  };
}
