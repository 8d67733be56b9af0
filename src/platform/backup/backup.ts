import Database from 'better-sqlite3';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import type { Settings } from '../config/settings';
import { faultCauseOf } from '../faults/store-unavailable';

/** What a backup holds, in the order it is taken (see backupDataDir). */
export const BACKED_UP_FILES = [
  'read-models.db',
  // Before the events: every request it says was done has its events in the copy. One done between
  // the two copies has its events there but not its key: retried after a restore it is decided
  // again (as a request without a key is), never answered as done with its events missing.
  'idempotency.db',
  'events.db',
  'auth-secret',
  // Without it a restored server signs with a new key, and every earlier seal fails to verify.
  'audit-seal-key',
] as const;

export interface BackupReport {
  target: string;
  files: { name: string; pages?: number }[];
  /** Files of DATA_DIR that were not there (a fresh store, or events on EventStoreDB). */
  skipped: string[];
  /** `<target>.incomplete-*` beside the target: copies a killed backup left (or one still running). */
  leftovers: string[];
}

/**
 * An online, consistent copy of DATA_DIR into `target` (a new or empty directory, made 700; every
 * file 600): each SQLite file through SQLite's backup API in one step (one read transaction, so a
 * snapshot even while the server writes), the small files copied. The read models (and the
 * checkpoints of projections and policies in them) are taken before the events: every position they name is in the copied
 * event store, and a restored server catches them up with whatever came after.
 */
export async function backupDataDir(
  settings: Settings,
  target: string,
  signal?: AbortSignal,
): Promise<BackupReport> {
  const dir = resolve(target);
  const dataDir = resolve(settings.DATA_DIR);
  // Compared where the files really are: either path may lead through a symbolic link.
  const [realDir, realDataDir] = [realPathOf(dir), realPathOf(dataDir)];
  if (realDir === realDataDir || realDir.startsWith(`${realDataDir}${sep}`)) {
    throw new Error(
      `${dir} is inside DATA_DIR (${dataDir}): a backup there is lost with it; back up elsewhere`,
    );
  }
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new Error(`${dir} is a file, not a directory: back up into a new or empty directory`);
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new Error(`${dir} is not empty: back up into a new or empty directory`);
  }
  const staging = stagingBeside(dir);
  try {
    const report = await copyInto(settings, staging, signal);
    // rename(2) replaces an empty directory: the target, new or empty, is the whole copy or nothing.
    renameSync(staging, dir);
    return { ...report, target: dir, leftovers: partialCopiesBeside(dir) };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (signal?.aborted) throw new BackupInterrupted(dir, signal.reason);
    if (faultCauseOf(error) === 'DISK_FULL') {
      throw new Error(
        `the backup target's file system is full (${(error as Error).message}): nothing was kept under ${dir}; free space there, or back up elsewhere`,
      );
    }
    throw error;
  }
}

/** A backup stopped by its caller (Ctrl-C): its partial copy is removed, nothing kept. */
export class BackupInterrupted extends Error {
  constructor(
    target: string,
    readonly reason: unknown,
  ) {
    super(`the backup was interrupted (${String(reason)}): nothing was kept under ${target}`);
  }
}

/**
 * Where the copy is written: beside the target, renamed onto it once whole, so a copy that never
 * finished (killed, disk full) is never found under the target's name, only as
 * `<target>.incomplete-*`. A place this user cannot write is named as the target, not DATA_DIR.
 */
function stagingBeside(dir: string): string {
  try {
    mkdirSync(dirname(dir), { recursive: true, mode: 0o700 });
    return mkdtempSync(`${dir}.incomplete-`);
  } catch (error) {
    throw new Error(
      `the backup cannot be written to ${dir} (${(error as Error).message}): back up into a new or empty directory this user may create`,
    );
  }
}

function partialCopiesBeside(dir: string): string[] {
  const prefix = `${basename(dir)}.incomplete-`;
  return readdirSync(dirname(dir))
    .filter((name) => name.startsWith(prefix))
    .map((name) => join(dirname(dir), name));
}

/** `path` with its symbolic links resolved as far as it exists, the rest appended as given. */
function realPathOf(path: string): string {
  const missing: string[] = [];
  let existing = path;
  while (!existsSync(existing) && dirname(existing) !== existing) {
    missing.unshift(basename(existing));
    existing = dirname(existing);
  }
  return join(realpathSync(existing), ...missing);
}

async function copyInto(
  settings: Settings,
  dir: string,
  signal: AbortSignal | undefined,
): Promise<BackupReport> {
  const report: BackupReport = { target: dir, files: [], skipped: [], leftovers: [] };
  // A turn of the event loop first: a signal that came during the last copy is heard there.
  const goOnUnlessAborted = async () => {
    await turn();
    signal?.throwIfAborted();
  };
  for (const name of BACKED_UP_FILES) {
    await goOnUnlessAborted();
    const source = join(settings.DATA_DIR, name);
    if (!existsSync(source) || (name === 'events.db' && settings.EVENTSTORE_URL)) {
      report.skipped.push(name);
      continue;
    }
    const destination = join(dir, name);
    // Created 600 before anything is written into it; the copy keeps the mode.
    closeSync(openSync(destination, 'wx', 0o600));
    if (name.endsWith('.db'))
      report.files.push({ name, ...(await backupSqlite(source, destination)) });
    else {
      // Written into the 600 file (copyFile would give it the source's mode).
      writeFileSync(destination, readFileSync(source));
      report.files.push({ name });
    }
  }
  await goOnUnlessAborted();
  return report;
}

async function backupSqlite(source: string, destination: string): Promise<{ pages: number }> {
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    // All remaining pages in the next step: one read transaction, never restarted by a writer.
    const { totalPages } = await db.backup(destination, {
      progress: ({ remainingPages }) => Math.max(remainingPages, 1),
    });
    // A rollback-journal file stands alone (no -wal/-shm beside it); the server makes it WAL again.
    const copy = new Database(destination);
    try {
      copy.pragma('journal_mode = DELETE');
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok')
        throw new Error(`the copy of ${source} failed its check: ${String(check)}`);
    } finally {
      copy.close();
    }
    return { pages: totalPages };
  } finally {
    db.close();
  }
}
