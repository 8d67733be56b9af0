import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';

const MAX_REPORTED = 5;
/** A check asked for because a read met a damaged page runs at most this often. */
const MIN_GAP_MS = 1000;

export interface IntegrityFailure {
  file: string;
  detail: string;
}

/**
 * `PRAGMA quick_check` of each database file, on a connection of its own (opened for the check,
 * so it reads the file as it is on disk, not pages another connection has cached): at start, every
 * INTEGRITY_CHECK_INTERVAL_MS, and soon after any operation met a damaged page. It reads every
 * page (about 0.1 s per 100 MB), on the thread that asks.
 */
export class IntegrityChecks {
  private failures: IntegrityFailure[] = [];
  private timer?: NodeJS.Timeout;
  private lastRun = 0;

  constructor(private readonly files: readonly string[]) {}

  get current(): readonly IntegrityFailure[] {
    return this.failures;
  }

  /** Checks now, then every `intervalMs` (0: only now). */
  start(intervalMs: number): void {
    this.run();
    if (intervalMs > 0) {
      this.timer = setInterval(() => this.run(), intervalMs);
      this.timer.unref();
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Checks again unless a check ran within the last second (something met a damaged page). */
  soon(): void {
    if (Date.now() - this.lastRun >= MIN_GAP_MS) this.run();
  }

  run(): readonly IntegrityFailure[] {
    this.lastRun = Date.now();
    this.failures = this.files.flatMap((file) => {
      const detail = quickCheck(file);
      return detail ? [{ file: basename(file), detail }] : [];
    });
    return this.failures;
  }
}

/** Undefined when the file is sound (or absent); else what SQLite found wrong. */
function quickCheck(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 100');
    const rows = db.pragma(`quick_check(${MAX_REPORTED})`, { simple: false }) as {
      quick_check: string;
    }[];
    const problems = rows.map((row) => row.quick_check).filter((line) => line !== 'ok');
    return problems.length > 0 ? problems.join('; ') : undefined;
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    // Busy is not damage: the next check will tell.
    if (code.startsWith('SQLITE_BUSY')) return undefined;
    return (error as Error).message;
  } finally {
    db?.close();
  }
}
