import Database from 'better-sqlite3';
import { BUSY_WAIT_MS } from '../faults/while-locked';
import { ensurePrivateFile } from '../security/private-files';
import {
  type LeaseRecord,
  type LeaseStore,
  type VersionedLease,
  leaseRecordOf,
} from './lease-store';

/**
 * A lease in a table of the embedded store's own file (`events.db`): every process on that file
 * sees it, and a write checks the version in one statement.
 */
export class SqliteLeaseStore implements LeaseStore {
  private opened?: Database.Database;

  constructor(private readonly file: string) {}

  /** Opened on first use, once the event store has created its file. */
  private get db(): Database.Database {
    if (!this.opened) {
      ensurePrivateFile(this.file);
      const db = new Database(this.file);
      // On the request thread: a lock another process holds must not stop every request while
      // SQLite waits for it (5 s did). A renewal that meets one fails and is tried again at the
      // next beat, well within the lease's TTL.
      db.pragma(`busy_timeout = ${BUSY_WAIT_MS}`);
      db.exec(
        'CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, version INTEGER NOT NULL, record TEXT NOT NULL)',
      );
      this.opened = db;
    }
    return this.opened;
  }

  read(name: string): Promise<VersionedLease | null> {
    return settled(() => {
      const row = this.db
        .prepare<[string], { version: number; record: string }>(
          'SELECT version, record FROM leases WHERE name = ?',
        )
        .get(name);
      return row ? { version: row.version, record: recordOf(row.record) } : null;
    });
  }

  write(name: string, record: LeaseRecord, expectedVersion: number): Promise<number | null> {
    return settled(() => {
      const json = JSON.stringify(record);
      const changed =
        expectedVersion < 0
          ? this.db
              .prepare('INSERT OR IGNORE INTO leases (name, version, record) VALUES (?, 0, ?)')
              .run(name, json).changes
          : this.db
              .prepare(
                'UPDATE leases SET version = version + 1, record = ? WHERE name = ? AND version = ?',
              )
              .run(json, name, expectedVersion).changes;
      return changed === 1 ? expectedVersion + 1 : null;
    });
  }

  close(): Promise<void> {
    this.opened?.close();
    this.opened = undefined;
    return Promise.resolve();
  }
}

/** `work`'s result, or its error as a rejection (a locked file): never thrown at the caller. */
function settled<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function recordOf(text: string): LeaseRecord {
  try {
    return leaseRecordOf(JSON.parse(text));
  } catch {
    return leaseRecordOf(undefined);
  }
}
