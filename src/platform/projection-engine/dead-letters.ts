import type { RecordedEvent } from '../event-store/event-store';
import type { ReadStore } from '../read-store/read-store';

/** An event a projection could not apply, set aside with its error after bounded retries. */
export interface DeadLetter {
  projection: string;
  position: number;
  eventId: string;
  streamId: string;
  type: string;
  error: string;
  attempts: number;
  /** ISO 8601, when it was last tried. */
  failedAt: string;
}

/** The dead-letter table, kept in the read store beside the checkpoints it goes with. */
export class DeadLetters {
  constructor(private readonly readStore: ReadStore) {
    readStore.db.exec(`CREATE TABLE IF NOT EXISTS projection_dead_letters (
      projection TEXT NOT NULL,
      position INTEGER NOT NULL,
      event_id TEXT NOT NULL,
      stream_id TEXT NOT NULL,
      type TEXT NOT NULL,
      error TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      failed_at TEXT NOT NULL,
      PRIMARY KEY (projection, position)
    )`);
  }

  /** Records (or, tried again, updates) the dead letter of `event` for `projection`. */
  record(projection: string, event: RecordedEvent, error: string, attempts: number): void {
    this.readStore.run(
      `INSERT INTO projection_dead_letters
         (projection, position, event_id, stream_id, type, error, attempts, failed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (projection, position) DO UPDATE SET
         error = excluded.error, attempts = attempts + excluded.attempts, failed_at = excluded.failed_at`,
      [
        projection,
        event.position,
        event.id,
        event.streamId,
        event.type,
        error,
        attempts,
        new Date().toISOString(),
      ],
    );
  }

  /** The dead letters of the named projections (all when none are named), oldest first. */
  list(names: readonly string[] = []): DeadLetter[] {
    return this.readStore.all<DeadLetter>(
      `SELECT projection, position, event_id AS eventId, stream_id AS streamId, type, error,
         attempts, failed_at AS failedAt
       FROM projection_dead_letters
       WHERE ? = 0 OR projection IN (SELECT value FROM json_each(?))
       ORDER BY position, projection`,
      [names.length, JSON.stringify(names)],
    );
  }

  counts(): Map<string, number> {
    return new Map(
      this.readStore
        .all<{ projection: string; n: number }>(
          'SELECT projection, COUNT(*) AS n FROM projection_dead_letters GROUP BY projection',
        )
        .map((row) => [row.projection, row.n]),
    );
  }

  remove(projection: string, position: number): void {
    this.readStore.run(
      'DELETE FROM projection_dead_letters WHERE projection = ? AND position = ?',
      [projection, position],
    );
  }

  /** Gives the dead letters of a version built beside the live one to the projection (its switch). */
  rename(from: string, to: string): void {
    this.readStore.run('UPDATE projection_dead_letters SET projection = ? WHERE projection = ?', [
      to,
      from,
    ]);
  }

  /** Forgets a projection's dead letters (it is rebuilt: any still poisonous are met again). */
  clear(projection: string): void {
    this.readStore.run('DELETE FROM projection_dead_letters WHERE projection = ?', [projection]);
  }
}
