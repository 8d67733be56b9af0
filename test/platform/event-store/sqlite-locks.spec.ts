import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteLeaseStore } from '../../../src/platform/lease/sqlite-lease-store';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { newEvents } from '../../support/events';

/**
 * Whether this process holds a POSIX lock on `file`'s main database file (Linux's /proc/locks).
 * In WAL mode every SQLite connection holds one while open: an outside client that finds none at
 * its own close takes itself for the last connection, checkpoints and deletes the -wal and -shm
 * files the server still writes to (as the sqlite3 shell and Python's sqlite3 do).
 */
function holdsLockOn(file: string): boolean {
  const inode = statSync(file).ino;
  return readFileSync('/proc/locks', 'utf8')
    .split('\n')
    .some((line) => {
      const fields = line.trim().split(/\s+/);
      return fields[4] === String(process.pid) && fields[5]?.endsWith(`:${inode}`);
    });
}

/**
 * The server keeps its SQLite locks while other parts of it open the same files (the lease store on
 * events.db, a second read store on read-models.db): an outside client that comes and goes must not
 * take itself for the last connection and delete the write-ahead log the server still writes to,
 * or events the server acknowledged are gone after a crash, and other processes read stale data.
 */
describe('the server keeps its SQLite locks when it opens its files again', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'partner-ledger-outside-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the event store keeps its lock on events.db when the lease store opens the file', async () => {
    const file = join(dir, 'events.db');
    const store = new SqliteEventStore(file);
    try {
      await store.append('counted-1', newEvents(3), 'no_stream');
      expect(holdsLockOn(file)).toBe(true);
      // Opened on first use, after the event store: it used to open and close the file itself.
      await new SqliteLeaseStore(file).read('policies');
      expect(holdsLockOn(file)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('a read store keeps its lock on read-models.db when a second one opens and closes the file', () => {
    const file = join(dir, 'read-models.db');
    const first = new ReadStore(file);
    try {
      first.db.exec('CREATE TABLE rows (n INTEGER)');
      expect(holdsLockOn(file)).toBe(true);
      new ReadStore(file).close();
      expect(holdsLockOn(file)).toBe(true);
    } finally {
      first.close();
    }
  });
});
