import type { EventStore } from '../event-store/event-store';
import type { SqlRunner } from '../read-store/read-store';
import {
  AUDIT_COLUMNS,
  auditEntryOf,
  type AuditRow,
  GENESIS_HASH,
  tenantNamesIn,
} from '../../projections/audit-entry';
import { auditProjection } from '../../projections/audit.projection';
import { AuditQueries } from '../../projections/audit.queries';

export type VerifyOutcome =
  | { ok: true; entries: number; through: number; head: string; pending: number }
  | { ok: false; entries: number; position: number; problem: string };

const PAGE = 1000;

const shorten = (value: unknown): string => {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

function difference(stored: AuditRow, expected: AuditRow): string | undefined {
  const column = AUDIT_COLUMNS.find((name) => stored[name] !== expected[name]);
  if (!column) return undefined;
  return `its ${column} is ${shorten(stored[column])} but the event store says ${shorten(expected[column])}`;
}

/**
 * Re-derives every audit entry and its chained hash from the event store, in order, and compares
 * them with the read model's rows up to its checkpoint: the first altered, missing or extra row
 * is reported. Reads both sides a page at a time.
 */
export async function verifyAudit(store: EventStore, readStore: SqlRunner): Promise<VerifyOutcome> {
  const checkpoint = readStore.get<{ version: number; position: number; state: string }>(
    "SELECT version, position, state FROM projection_checkpoints WHERE name = 'audit'",
  );
  if (!checkpoint || checkpoint.state !== 'LIVE') {
    throw new Error('The audit log is not built yet (or is being rebuilt); try again once it is.');
  }
  if (checkpoint.version !== auditProjection.version) {
    throw new Error(
      `The audit log was built by version ${checkpoint.version} of its projection, this is version ${auditProjection.version}: let the server rebuild it first.`,
    );
  }
  const queries = new AuditQueries(readStore);
  const names = new Map<string, string>();
  const nameOf = (tenantId: string) => names.get(tenantId) ?? null;
  let previousHash = GENESIS_HASH;
  let after = 0;
  let entries = 0;
  const failed = (position: number, problem: string): VerifyOutcome => ({
    ok: false,
    entries,
    position,
    problem,
  });

  for (;;) {
    const events = (await store.readAll({ after, maxCount: PAGE })).filter(
      (event) => event.position <= checkpoint.position,
    );
    if (events.length === 0) break;
    const last = events[events.length - 1].position;
    const rows = queries.oldestFirst({ kind: 'everything' }, {}, events.length + 1, after, last);
    let next = 0;
    for (const event of events) {
      const row = rows[next];
      if (row && row.position < event.position) {
        return failed(row.position, 'there is an entry here but no event at this position');
      }
      tenantNamesIn(event).forEach(([tenantId, name]) => names.set(tenantId, name));
      const expected = auditEntryOf(event, nameOf, previousHash);
      if (!row || row.position > event.position) {
        return failed(event.position, `the entry for event ${event.id} (${event.type}) is missing`);
      }
      const problem = difference(row, expected);
      if (problem) return failed(event.position, `the entry was altered: ${problem}`);
      previousHash = expected.hash;
      entries += 1;
      next += 1;
    }
    after = last;
  }
  const extra = queries.oldestFirst({ kind: 'everything' }, {}, 1, after);
  if (extra.length > 0) {
    return failed(extra[0].position, 'there is an entry here but no event at this position');
  }
  const pending = Math.max(0, (await store.headPosition()) - checkpoint.position);
  return { ok: true, entries, through: after, head: previousHash, pending };
}
