import Database from 'better-sqlite3';
import { ensurePrivateFile } from '../security/private-files';

/**
 * A lock the kernel gives back when its holder dies, however it dies (kill -9 included), and that
 * needs no PID to judge: SQLite's exclusive lock on a file of its own, held in an open transaction.
 * Processes of one machine (containers sharing the directory too) and threads of one process
 * exclude each other. The file stays: deleting it would let two holders lock two files.
 */
export class FileLock {
  private constructor(private readonly db: Database.Database) {}

  /** The lock, or undefined while someone else holds it longer than `waitMs`. */
  static tryAcquire(path: string, waitMs = 0): FileLock | undefined {
    ensurePrivateFile(path);
    const db = new Database(path, { timeout: waitMs });
    try {
      // No journal file: nothing is ever written, and a killed holder leaves nothing behind.
      db.pragma('journal_mode = MEMORY');
      db.exec('BEGIN EXCLUSIVE');
      return new FileLock(db);
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') return undefined;
      throw error;
    }
  }

  release(): void {
    if (this.db.open) this.db.close();
  }
}
