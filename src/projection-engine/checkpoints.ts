import type { ReadStore } from '../read-store/read-store';
import type { Projection } from './projection';

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
  constructor(private readonly readStore: ReadStore) {
    readStore.db.exec(`CREATE TABLE IF NOT EXISTS projection_checkpoints (
      name TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      position INTEGER NOT NULL,
      state TEXT NOT NULL,
      error TEXT
    )`);
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

  /** Empties a projection's tables and starts it again from the first event. Call inside a transaction. */
  reset(projection: Projection): void {
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
