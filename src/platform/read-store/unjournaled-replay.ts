import Database from 'better-sqlite3';
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { thisProcessKey } from '../common/process-identity';
import { removeDatabaseFile } from '../projection-engine/replay-files';
import { ensurePrivateFile } from '../security/private-files';
import { FileLock } from './file-lock';
import type { ReadStore } from './read-store';

/** A table a full replay does not rebuild (the policies' checkpoints), as the marker keeps it. */
interface KeptTable {
  name: string;
  sql: string;
  rows: Record<string, string | number | null>[];
}

/** `read-models.db.unjournaled`: a replay under way without a journal, and what it must keep. */
interface Marker {
  /** For people: the process to wait for or stop. */
  pid: number;
  /** `thisProcessKey()` of the replaying process: tells its own opens from others'. */
  process?: string;
  kept: KeptTable[];
}

/** More than this in the tables kept, and the replay keeps its write-ahead log instead. */
const KEPT_ROWS_MAX = 10_000;

const markerOf = (file: string) => `${file}.unjournaled`;
/**
 * Held by the replay from before its marker is written until after it is removed, and by a
 * recovery: a marker whose lock is free was left by a process that died, whatever its PID now names.
 */
const lockOf = (file: string) => `${file}.unjournaled-lock`;
/** How long an open waits for another process's recovery (a few milliseconds) before refusing. */
const RECOVERY_WAIT_MS = 1_000;

let processKey: string | undefined;
const thisProcessOnce = () => (processKey ??= thisProcessKey());

/**
 * A full replay writes every read model anew. Through the write-ahead log each page is written
 * twice, to the log and then into the file, and a checkpointer thread copies them (issue 17: a
 * quarter of a 1,000,000-event rebuild). Without a journal on disk (`journal_mode = MEMORY`: a
 * failed batch still rolls back; `synchronous = OFF`) each page is written once, but a process
 * killed mid-commit may leave the file torn, with nothing to roll it back from. So first a marker
 * is written beside the file, naming this process and holding the tables the replay does not
 * rebuild; an open that finds the marker of a process that is gone deletes the file and puts those
 * tables back (`recoverUnjournaledReplay`), and the read models replay from the first event, as on
 * an empty store. Read models are derived data: nothing else is lost.
 */
export class UnjournaledReplay {
  private constructor(
    private readonly readStore: ReadStore,
    private readonly lock: FileLock,
  ) {}

  /**
   * Leaves the write-ahead log for the replay, unless another connection has the file open (the
   * server's request thread: switching needs the file to itself), a transaction is open, another
   * process holds the lock (recovering the file), or the tables to keep are more than a marker
   * should hold: then undefined, and nothing changed.
   */
  static enter(
    readStore: ReadStore,
    rebuilds: (table: string) => boolean,
  ): UnjournaledReplay | undefined {
    const { db, file } = readStore;
    if (file === ':memory:' || db.inTransaction) return undefined;
    const lock = FileLock.tryAcquire(lockOf(file));
    if (!lock) return undefined;
    try {
      if (switchedUnder(readStore, rebuilds)) return new UnjournaledReplay(readStore, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
    lock.release();
    return undefined;
  }

  /**
   * Back to the write-ahead log (a rollback journal on disk if another connection holds the file
   * now), the file synced, then the marker removed: from here a kill leaves a file SQLite recovers.
   */
  leave(): void {
    const { db, file } = this.readStore;
    if (db.open) {
      db.pragma('synchronous = NORMAL');
      try {
        db.pragma('journal_mode = WAL');
      } catch {
        db.pragma('journal_mode = DELETE');
      }
    }
    // A file deleted meanwhile (a scratch directory removed) has nothing left to sync.
    if (existsSync(file)) syncFile(file);
    removeDurably(markerOf(file));
    this.lock.release();
  }
}

/**
 * With the lock held: the marker written, then the file out of the write-ahead log. False, with
 * the marker removed and nothing changed, when it cannot leave it or has too much to keep.
 */
function switchedUnder(readStore: ReadStore, rebuilds: (table: string) => boolean): boolean {
  const { db, file } = readStore;
  const kept = keptTables(db, rebuilds);
  if (!kept) return false;
  const marker: Marker = { pid: process.pid, process: thisProcessOnce(), kept };
  discardStagedMarkers(file);
  writeDurably(markerOf(file), JSON.stringify(marker));
  const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  let mode: unknown;
  try {
    mode = db.pragma('journal_mode = MEMORY', { simple: true });
  } catch {
    mode = undefined; // SQLITE_BUSY: another connection holds the file
  }
  // Given back at once: a reader's shared lock makes a commit wait, never fail.
  db.pragma(`busy_timeout = ${busyTimeout}`);
  if (mode !== 'memory') {
    removeDurably(markerOf(file));
    return false;
  }
  db.pragma('synchronous = OFF');
  return true;
}

/** Another process replays the file without a journal: opening it now would undo or risk that. */
export class ReplayUnderWay extends Error {
  constructor(file: string, pid: number) {
    super(
      `read models file ${resolve(file)} is being replayed without a journal by process ${pid} (projections rebuild --in-place): wait until it is done, or stop it (the next open then replays the read models from the first event)`,
    );
  }
}

/**
 * Before `file` is opened: when an unjournaled replay of a process that is gone left its marker,
 * deletes the file (it may be torn) and creates it again holding only the tables kept. Says what
 * it did, or undefined when there was nothing to do. Throws `ReplayUnderWay` while another
 * process's replay runs: an open would switch the file back to the log under it, and that
 * process's crash would then have this one's writes deleted with the file. Whether it runs is its
 * lock's to say, not its PID's: a PID is reused (a restarted container's server is PID 1 again).
 */
export function recoverUnjournaledReplay(file: string): string | undefined {
  const markerFile = markerOf(file);
  if (!existsSync(markerFile)) return undefined;
  // Written whole or not at all (renamed into place): one that cannot be read is not this code's.
  const seen = readMarker(markerFile);
  if (!seen || seen.process === thisProcessOnce()) return undefined;
  const lock = FileLock.tryAcquire(lockOf(file), RECOVERY_WAIT_MS);
  if (!lock) throw new ReplayUnderWay(file, seen.pid);
  try {
    // Under the lock no replay starts: a marker still here is a dead process's (that one, or one
    // that started and died meanwhile); none here, the replay ended while this waited.
    const marker = existsSync(markerFile) ? readMarker(markerFile) : undefined;
    if (!marker || heldElsewhere(file)) return undefined;
    replaceWithKept(file, marker.kept);
    removeDurably(markerFile);
    const kept = marker.kept.map(({ name }) => name).join(', ') || 'nothing';
    return `read models file ${resolve(file)} was being replayed without a journal by process ${marker.pid}, whose replay stopped (its lock was free): deleted (kept ${kept}); the read models replay from the first event`;
  } finally {
    lock.release();
  }
}

/** Deletes `file` and creates it again, in WAL, holding nothing but `kept`. */
function replaceWithKept(file: string, kept: KeptTable[]): void {
  removeDatabaseFile(file);
  ensurePrivateFile(file);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.transaction(() => {
      for (const table of kept) {
        db.exec(table.sql);
        if (table.rows.length === 0) continue;
        // Every row has the table's columns: the replay wrote them from its SELECT *.
        const columns = Object.keys(table.rows[0]);
        const insert = db.prepare(
          `INSERT INTO "${table.name}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        );
        for (const row of table.rows) insert.run(...columns.map((column) => row[column]));
      }
    })();
  } finally {
    db.close();
  }
}

/**
 * Whether another connection has `file` open in WAL mode (a server that opened it during the
 * replay): leaving WAL needs the file to itself. Then it is left to that server, never deleted
 * under it. A file SQLite cannot open is nobody's.
 */
function heldElsewhere(file: string): boolean {
  if (!existsSync(file)) return false;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 0 });
    db.pragma('journal_mode = DELETE');
    return false;
  } catch (error) {
    return (error as { code?: string }).code === 'SQLITE_BUSY';
  } finally {
    db?.close();
  }
}

/** The tables the replay does not rebuild, with their rows; undefined when too many to keep. */
function keptTables(
  db: Database.Database,
  rebuilds: (table: string) => boolean,
): KeptTable[] | undefined {
  const tables = db
    .prepare<[], { name: string; sql: string }>(
      "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all()
    .filter(({ name }) => !rebuilds(name));
  let rows = 0;
  const kept: KeptTable[] = [];
  for (const { name, sql } of tables) {
    const counted = db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM "${name}"`).get();
    rows += counted?.n ?? 0;
    if (rows > KEPT_ROWS_MAX) return undefined;
    const content = db.prepare(`SELECT * FROM "${name}"`).all() as KeptTable['rows'];
    // Text, numbers and nulls only: a marker is JSON.
    if (content.some((row) => Object.values(row).some((value) => !isJsonScalar(value))))
      return undefined;
    kept.push({ name, sql, rows: content });
  }
  return kept;
}

const isJsonScalar = (value: unknown) =>
  value === null || typeof value === 'string' || (typeof value === 'number' && isFinite(value));

function readMarker(file: string): Marker | undefined {
  try {
    const marker = JSON.parse(readFileSync(file, 'utf8')) as Marker;
    const known = marker.process === undefined || typeof marker.process === 'string';
    return Number.isSafeInteger(marker.pid) && Array.isArray(marker.kept) && known
      ? marker
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A marker's staging files that a process killed before renaming one left (`writeDurably`).
 * Only the lock's holder writes markers, so none of them is being written now.
 */
function discardStagedMarkers(file: string): void {
  const prefix = `${basename(markerOf(file))}.`;
  for (const name of readdirSync(dirname(file))) {
    if (name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
      rmSync(join(dirname(file), name), { force: true });
  }
}

/** Written beside, synced and renamed into place: read whole or not found. */
function writeDurably(file: string, text: string): void {
  const staging = `${file}.${process.pid}`;
  writeFileSync(staging, text, { mode: 0o600 });
  syncFile(staging);
  renameSync(staging, file);
  syncFile(dirname(file));
}

function removeDurably(file: string): void {
  rmSync(file, { force: true });
  syncFile(dirname(file));
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
