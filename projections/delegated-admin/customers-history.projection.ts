import type {
  BatchHandler,
  Projection,
  SqlRunner,
} from '../../src/platform/projection-engine/projection';
import { rowOf, type Version } from './customers-history.queries';
import {
  GDAP_LISTING_COLUMN_NAMES,
  type RelationshipColumn,
  rowShape,
  type RowWriter,
  sameRow,
} from './relationship-row';

interface Clock {
  position: number;
  at: string;
}

/**
 * Moves the clock: the latest business time seen up to this position. Versions are dated with it,
 * so "as of T" means "after every event up to the last position whose clock is ≤ T": a prefix
 * of the log, exactly what a projection stopped there would show, even if times interleave.
 */
function tick(clock: { position: number; at: unknown }, db: SqlRunner): void {
  db.run(
    `INSERT INTO customers_history_clock (id, position, at) VALUES (1, @position, @at)
     ON CONFLICT (id) DO UPDATE SET position = MAX(position, @position), at = MAX(at, @at)`,
    clock,
  );
}

/**
 * The clock of the batch each runner (the live tables, or a build's) is applying, as its
 * every-event handler left it for the event being applied: that handler runs first for every
 * event, so the type's handler dates its version with it instead of reading the clock back.
 */
const batchClocks = new WeakMap<SqlRunner, Clock>();

/**
 * The clock moved in memory through a batch and written at the batch's end, not once per event,
 * with the same rows. A batch rolled back takes this closure with it.
 */
function clockOfBatch(): BatchHandler {
  let clock: Clock | undefined;
  let unwritten = false;
  const write = (db: SqlRunner) => {
    if (unwritten && clock) tick(clock, db);
    unwritten = false;
  };
  return {
    event: (event, db) => {
      const at: unknown = event.metadata.occurredAt;
      if (typeof at !== 'string') {
        // Not a time: SQLite compares it as it always did.
        batchClocks.delete(db);
        write(db);
        tick({ position: event.position, at }, db);
        clock = undefined;
        return;
      }
      clock ??= db.get<Clock>('SELECT position, at FROM customers_history_clock WHERE id = 1');
      clock = clock
        ? { position: Math.max(clock.position, event.position), at: clock.at > at ? clock.at : at }
        : { position: event.position, at };
      batchClocks.set(db, clock);
      unwritten = true;
    },
    end: write,
  };
}

/** Closes the version that starts at a position (found by its primary key). */
const CLOSE = `UPDATE customers_history SET valid_to_position = ?, valid_to = ?
  WHERE partner_tenant_id = ? AND customer_tenant_id = ? AND valid_from_position = ?`;

/**
 * Closes the pair's current version and opens the next (of `columns`), unless the event changed
 * nothing.
 */
function newVersion(columns: readonly RelationshipColumn[]): RowWriter {
  // Its values are the row's columns, then the position and time (bound by position).
  const insert = `INSERT INTO customers_history (${columns.join(', ')}, valid_from_position, valid_from)
    VALUES (${columns.map(() => '?').join(', ')}, ?, ?)`;
  return (event, pair, next, db) => {
    const { partnerTenantId, customerTenantId } = pair;
    const current = db.get<Version>(
      `SELECT * FROM customers_history
       WHERE partner_tenant_id = ? AND customer_tenant_id = ? AND valid_to_position IS NULL`,
      [partnerTenantId, customerTenantId],
    );
    if (current && current.valid_from_position >= event.position) return;
    const base = current && rowOf(current);
    const row = next(base);
    if (!row || (base && sameRow(base, row, columns))) return;
    const at =
      batchClocks.get(db)?.at ??
      db.get<{ at: string }>('SELECT at FROM customers_history_clock WHERE id = 1')?.at;
    if (current) {
      const { valid_from_position: from } = current;
      db.run(CLOSE, [event.position, at, partnerTenantId, customerTenantId, from]);
    }
    db.run(insert, [...columns.map((column) => row[column] ?? null), event.position, at]);
  };
}

const GDAP_RELATIONSHIPS = 'customers_history_gdap';

/**
 * Every version of every `customers` row (relationship-row.ts) with the positions and times it
 * was valid between: the Customers and Partner relationships pages as they stood at any past
 * moment (R43), by index. Version 3 keeps the rows of version 6 of `customers` (GDAP relationships
 * in force list their customers, R16); version 2 serves while it builds.
 */
const customersHistoryWriting = (listedByGdap: boolean): Omit<Projection, 'version'> => {
  const shape = rowShape(listedByGdap, GDAP_RELATIONSHIPS);
  return {
    name: 'customers-history',
    tables: ['customers_history', 'customers_history_clock', ...shape.sideTables],
    schema: [
      `CREATE TABLE IF NOT EXISTS customers_history (
      partner_tenant_id TEXT NOT NULL,
      customer_tenant_id TEXT NOT NULL,
      partner_name TEXT NOT NULL,
      customer_name TEXT NOT NULL,
      customer_domain TEXT,
      relationship_since TEXT NOT NULL,
      active INTEGER NOT NULL,
      dap_status TEXT NOT NULL,
      dap_roles TEXT NOT NULL,
      dap_changed_at TEXT,
      search_name TEXT NOT NULL DEFAULT '',
      search_domain TEXT,
      ${shape.addedColumnsDdl}
      valid_from_position INTEGER NOT NULL,
      valid_to_position INTEGER,
      valid_from TEXT NOT NULL,
      valid_to TEXT,
      PRIMARY KEY (partner_tenant_id, customer_tenant_id, valid_from_position)
    )`,
      `CREATE TABLE IF NOT EXISTS customers_history_clock (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      position INTEGER NOT NULL,
      at TEXT NOT NULL
    )`,
      ...shape.sideSchema,
    ],
    queryIndexes: [
      `CREATE INDEX IF NOT EXISTS customers_history_by_name
       ON customers_history (partner_tenant_id, search_name, customer_tenant_id, valid_from)`,
      `CREATE INDEX IF NOT EXISTS customers_history_by_customer
       ON customers_history (customer_tenant_id, partner_name, partner_tenant_id, valid_from)`,
    ],
    handlers: shape.handlers(newVersion(shape.columns)),
    everyEventOfBatch: clockOfBatch,
    everyEventReads: 'metadata',
  };
};

export const customersHistoryProjection: Projection = {
  ...customersHistoryWriting(true),
  version: 3,
  addedTables: [GDAP_RELATIONSHIPS],
  addedColumns: { customers_history: GDAP_LISTING_COLUMN_NAMES },
  previous: { ...customersHistoryWriting(false), version: 2 },
};
