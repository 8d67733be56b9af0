import type { EventStore, RecordedEvent } from '../platform/event-store/event-store';
import type { SqlRunner } from '../platform/read-store/read-store';
import { type AuditRow, GENESIS_HASH, STORED_COLUMNS } from '../../projections/audit/audit-columns';
import { auditEntryOf, visitTenantNames } from '../../projections/audit/audit-entry';
import { auditProjection } from '../../projections/audit/audit.projection';
import { AuditQueries } from '../../projections/audit/audit.queries';
import { type Problem, Problems } from './problems';
import { type SealSummary, verifySeals } from './seal-verify';

export interface VerifyOptions {
  /** The seal key; without one, seals are reported as unverifiable. */
  key?: string;
  /** Stop after this many problems (default 100). */
  maxProblems?: number;
  /** A seal hash taken earlier and kept outside the store: it must still be in the chain. */
  anchor?: string;
}

export interface AuditLogSummary {
  /** Entries compared with the events: every one the audit read model holds. */
  entries: number;
  /** The position of the last entry compared. */
  through: number;
  /** The hash of the last entry compared. */
  head: string;
  /** Events past the read model's checkpoint that have no entry yet. */
  pending: number;
}

export interface AuditVerification {
  ok: boolean;
  problems: Problem[];
  /** More problems were found than listed: verify stopped at the limit. */
  truncated: boolean;
  seals: SealSummary;
  auditLog: AuditLogSummary;
}

export const DEFAULT_MAX_PROBLEMS = 100;
const PAGE = 1000;

/**
 * Checks the events against their seals (so an edited event store shows, even once the read
 * models were rebuilt from it), then the audit read model against the events. Every problem is
 * reported, up to `maxProblems`. Reads a page at a time and changes nothing.
 */
export async function verifyAudit(
  store: EventStore,
  readStore: SqlRunner,
  options: VerifyOptions = {},
): Promise<AuditVerification> {
  const checkpoint = auditCheckpoint(readStore);
  const problems = new Problems(options.maxProblems ?? DEFAULT_MAX_PROBLEMS);
  const seals = await verifySeals(store, options.key, problems, options.anchor);
  const auditLog = await compareAuditLog(store, readStore, checkpoint, problems);
  return {
    ok: problems.found.length === 0,
    problems: problems.found,
    truncated: problems.truncated,
    seals,
    auditLog,
  };
}

function auditCheckpoint(readStore: SqlRunner): number {
  // No checkpoints table yet: a read store no projection has run on.
  const checkpoints = readStore.get<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'projection_checkpoints'",
  );
  const checkpoint =
    checkpoints &&
    readStore.get<{ version: number; position: number; state: string; error: string | null }>(
      "SELECT version, position, state, error FROM projection_checkpoints WHERE name = 'audit'",
    );
  if (checkpoint?.state === 'FAILED') {
    throw new Error(
      `The audit log stopped after position ${checkpoint.position}: an event it cannot apply (${checkpoint.error ?? 'no error recorded'}). See \`projections dead-letters audit\`; after a fix, \`projections retry audit\`, then verify again.`,
    );
  }
  if (!checkpoint || checkpoint.state !== 'LIVE') {
    throw new Error('The audit log is not built yet (or is being rebuilt); try again once it is.');
  }
  const tables = auditProjection.tables.filter(
    (table) =>
      !readStore.get("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]),
  );
  if (tables.length > 0) {
    throw new Error(
      `The audit log's checkpoint says it is built, but read-models.db lacks its ${tables.join(', ')}: the read models were damaged. Rebuild them (\`projections rebuild --in-place audit\`), then verify again.`,
    );
  }
  if (checkpoint.version !== auditProjection.version) {
    throw new Error(
      `The audit log was built by version ${checkpoint.version} of its projection, this is version ${auditProjection.version}: let the server rebuild it first.`,
    );
  }
  return checkpoint.position;
}

/** Where two texts first differ (the length of the shorter when one begins the other). */
function firstDifference(a: string, b: string): number {
  let index = 0;
  while (index < a.length && index < b.length && a[index] === b[index]) index += 1;
  return index;
}

/** About 80 characters of `value` as JSON, from a little before `from`, where the two differ. */
const excerpt = (value: unknown, from: number): string => {
  const text = JSON.stringify(value) ?? 'null';
  const start = Math.max(0, Math.min(from - 20, text.length - 77));
  const end = start + 77;
  return `${start > 0 ? '...' : ''}${text.slice(start, end)}${end < text.length ? '...' : ''}`;
};

function difference(stored: AuditRow, expected: AuditRow): string | undefined {
  const column = STORED_COLUMNS.find((name) => stored[name] !== expected[name]);
  if (!column) return undefined;
  const at = firstDifference(
    JSON.stringify(stored[column]) ?? '',
    JSON.stringify(expected[column]) ?? '',
  );
  const found = `its ${column} is ${excerpt(stored[column], at)} but the event store says ${excerpt(expected[column], at)}`;
  // Every stored column matches, so what the hash alone covers, the event's data, is what moved.
  return column === 'hash'
    ? `${found}: the event's data changed after the entry was recorded, or the entry's hash did`
    : found;
}

/** Why an event's metadata cannot be read, as the audit projection would fail on it; else null. */
function unreadableMetadata(event: RecordedEvent): string | null {
  if (event.malformedMetadata) return event.malformedMetadata;
  const actor = (event.metadata as { actor?: { tenantId?: unknown } } | undefined)?.actor;
  return typeof actor?.tenantId === 'string' ? null : 'it names no actor';
}

const eventAt = async (store: EventStore, position: number): Promise<boolean> =>
  (await store.readAll({ after: position - 1, maxCount: 1 }))[0]?.position === position;

/**
 * Re-derives every audit entry from the events, in order, and compares it with the read model's
 * row: every row there is, past the checkpoint too (a checkpoint moved back must not hide rows
 * that are served). Up to the checkpoint a missing row is a problem; past it, one the read model
 * has not recorded yet. Each row is chained to the stored row before it, so one altered row is
 * reported once even when the chain after it was recomputed to match.
 */
async function compareAuditLog(
  store: EventStore,
  readStore: SqlRunner,
  checkpoint: number,
  problems: Problems,
): Promise<AuditLogSummary> {
  const queries = new AuditQueries(readStore);
  const names = new Map<string, string>();
  const nameOf = (tenantId: string) => names.get(tenantId) ?? null;
  const extra = (position: number) =>
    problems.add({
      kind: 'entry-extra',
      position,
      message: `The audit log has an entry at position ${position} but there is no event there.`,
    });
  let previousHash = GENESIS_HASH;
  let after = 0;
  let entries = 0;
  let through = 0;
  let head = GENESIS_HASH;
  let pending = 0;

  while (!problems.truncated) {
    const events = await store.readAll({ after, maxCount: PAGE });
    if (events.length === 0) break;
    const last = events[events.length - 1].position;
    // Every row in the events' span, however many were slipped in between them.
    const rows = queries.oldestFirst(
      { kind: 'everything' },
      {},
      Number.MAX_SAFE_INTEGER,
      after,
      last,
    );
    let next = 0;
    for (const event of events) {
      while (rows[next] && rows[next].position < event.position) extra(rows[next++].position);
      const unreadable = unreadableMetadata(event);
      if (unreadable) {
        problems.add({
          kind: 'event-unreadable',
          position: event.position,
          message: `The event ${event.id} (${event.type}) at position ${event.position} has metadata that cannot be read (${unreadable}): its audit entry cannot be derived.`,
        });
        // The entries after it are still compared, chained to whatever row stands here.
        if (rows[next]?.position === event.position) previousHash = rows[next++].hash;
        continue;
      }
      visitTenantNames(event, (tenantId, name) => names.set(tenantId, name));
      const expected = auditEntryOf(event, nameOf, previousHash);
      const row = rows[next];
      if (!row || row.position > event.position) {
        previousHash = expected.hash;
        if (event.position > checkpoint) {
          pending += 1;
          continue;
        }
        problems.add({
          kind: 'entry-missing',
          position: event.position,
          message: `The audit entry for event ${event.id} (${event.type}) at position ${event.position} is missing.`,
        });
        continue;
      }
      const problem = difference(row, expected);
      if (problem) {
        problems.add({
          kind: 'entry-altered',
          position: event.position,
          message: `The audit entry at position ${event.position} was altered: ${problem}.`,
        });
      }
      previousHash = row.hash;
      [through, head] = [row.position, row.hash];
      entries += 1;
      next += 1;
    }
    after = last;
  }
  for (const row of queries.oldestFirst({ kind: 'everything' }, {}, PAGE, after)) {
    if (problems.truncated) break;
    // Past the checkpoint read at the start, a running server may have recorded entries since:
    // a row there is extra only when no event stands behind it.
    if (row.position > checkpoint && (await eventAt(store, row.position))) continue;
    extra(row.position);
  }
  return { entries, through, head, pending };
}
