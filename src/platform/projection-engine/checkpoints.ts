import type { ReadStore } from '../read-store/read-store';
import { DeadLetters } from './dead-letters';
import type { Projection, ProjectionStatus } from './projection';

export class ReadModelNotReadyError extends Error {
  constructor(
    readonly projection: string,
    readonly state: 'REBUILDING' | 'FAILED' = 'REBUILDING',
  ) {
    super(
      state === 'FAILED'
        ? `The ${projection} read model stopped after an error and is not served until the Operator rebuilds it.`
        : `The ${projection} read model is being rebuilt; try again in a moment.`,
    );
  }
}

export type CheckpointState = 'LIVE' | 'REBUILDING' | 'FAILED';

export interface CheckpointRow {
  name: string;
  version: number;
  position: number;
  state: CheckpointState;
  error: string | null;
}

/** Each projection's position in `$all`, kept in the read store beside its tables. */
export class Checkpoints {
  readonly deadLetters: DeadLetters;

  constructor(private readonly readStore: ReadStore) {
    readStore.db.exec(`CREATE TABLE IF NOT EXISTS projection_checkpoints (
      name TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      position INTEGER NOT NULL,
      state TEXT NOT NULL,
      error TEXT
    )`);
    this.deadLetters = new DeadLetters(readStore);
  }

  all(): CheckpointRow[] {
    return this.readStore.all<CheckpointRow>('SELECT * FROM projection_checkpoints ORDER BY name');
  }

  get(name: string): CheckpointRow | undefined {
    return this.readStore.get<CheckpointRow>(
      'SELECT * FROM projection_checkpoints WHERE name = ?',
      [name],
    );
  }

  advance(name: string, position: number): void {
    this.readStore.run('UPDATE projection_checkpoints SET position = ? WHERE name = ?', [
      position,
      name,
    ]);
  }

  setState(name: string, state: CheckpointState, error: string | null = null): void {
    this.readStore.run('UPDATE projection_checkpoints SET state = ?, error = ? WHERE name = ?', [
      state,
      error,
      name,
    ]);
  }

  /** Where each projection stands against the event store's `head`. */
  statuses(projections: readonly Projection[], head: number): ProjectionStatus[] {
    const rows = new Map(this.all().map((row) => [row.name, row]));
    const deadLetters = this.deadLetters.counts();
    return projections.map((projection) => {
      const row = rows.get(projection.name);
      const checkpoint = row?.position ?? 0;
      const lag = Math.max(0, head - checkpoint);
      const status =
        row?.state === 'FAILED' || row?.state === 'REBUILDING'
          ? row.state
          : lag > 0
            ? 'CATCHING_UP'
            : 'LIVE';
      return {
        name: projection.name,
        version: projection.version,
        checkpoint,
        lag,
        status,
        ...(row?.error ? { error: row.error } : {}),
        deadLetters: deadLetters.get(projection.name) ?? 0,
      };
    });
  }

  /**
   * Throws ReadModelNotReadyError unless the named read models are complete, after waiting up to
   * `timeoutMs` for a rebuild to finish (`nudge` lets the projections move meanwhile).
   */
  async untilServing(
    names: readonly string[],
    timeoutMs: number,
    nudge: () => Promise<void>,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const notServing = this.notServing(names);
      if (!notServing) return;
      // A failed read model stays stale until someone rebuilds it: waiting would not help.
      if (notServing.state === 'FAILED' || Date.now() >= deadline) {
        throw new ReadModelNotReadyError(notServing.name, notServing.state);
      }
      await nudge();
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** The first of `names` being rebuilt or failed, in one query (every query asks: it is hot). */
  private notServing(
    names: readonly string[],
  ): { name: string; state: 'REBUILDING' | 'FAILED' } | undefined {
    if (names.length === 0) return undefined;
    return this.readStore.get<{ name: string; state: 'REBUILDING' | 'FAILED' }>(
      `SELECT name, state FROM projection_checkpoints
       WHERE state IN ('REBUILDING', 'FAILED') AND name IN (SELECT value FROM json_each(?))
       ORDER BY state = 'FAILED' DESC LIMIT 1`,
      [JSON.stringify(names)],
    );
  }

  /** Empties a projection's tables and starts it again from the first event. Call inside a transaction. */
  reset(projection: Projection): void {
    this.deadLetters.clear(projection.name);
    for (const table of projection.tables)
      this.readStore.db.exec(`DROP TABLE IF EXISTS "${table}"`);
    for (const ddl of projection.schema) this.readStore.db.exec(ddl);
    this.readStore.run(
      `INSERT INTO projection_checkpoints (name, version, position, state, error)
       VALUES (?, ?, 0, 'REBUILDING', NULL)
       ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = 0, state = 'REBUILDING', error = NULL`,
      [projection.name, projection.version],
    );
  }
}
