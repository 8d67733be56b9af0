import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensurePrivateDir, ensurePrivateFile } from '../security/private-files';

/** The file a running server holds locked in its DATA_DIR. */
export const SERVER_LOCK_FILE = 'server.lock';

export class DataDirInUseError extends Error {
  constructor(dataDir: string) {
    super(
      `another partner-ledger server runs on DATA_DIR ${dataDir} (it holds ${SERVER_LOCK_FILE}): two would project into the same read models and run the same follow-ups twice. Stop it, or give this one a DATA_DIR of its own (instances behind a load balancer each have their own)`,
    );
    this.name = 'DataDirInUseError';
  }
}

/**
 * Takes DATA_DIR for this server for as long as its process lives: SQLite's exclusive lock on a
 * small file, which the operating system lets go of when the process ends, however it ends (a
 * `kill -9` leaves no stale lock). The commands (backup, projections rebuild) do not take it: they
 * are meant to run beside a server. Answers the release: keep it referenced, since a collected
 * connection is closed, and its lock let go, by the garbage collector.
 */
export function lockDataDir(dataDir: string): () => void {
  ensurePrivateDir(dataDir);
  const file = join(dataDir, SERVER_LOCK_FILE);
  ensurePrivateFile(file);
  // A moment's wait: a command asking whether a server runs here holds the file for as long.
  const db = new Database(file, { timeout: 250 });
  try {
    // Kept from the first write until the connection closes.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    db.close();
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_BUSY'))
      throw new DataDirInUseError(resolve(dataDir));
    throw error;
  }
  return () => db.close();
}

/** Whether a server holds DATA_DIR now: its lock keeps even readers of the lock file out. */
export function serverHolds(dataDir: string): boolean {
  const file = join(dataDir, SERVER_LOCK_FILE);
  if (!existsSync(file)) return false;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: 0 });
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return false;
  } catch (error) {
    return String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY');
  } finally {
    db?.close();
  }
}
