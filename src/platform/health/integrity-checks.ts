import { basename } from 'node:path';
import { Worker } from 'node:worker_threads';
import { workerFile } from '../common/worker-file';

/** A check asked for because a read met a damaged page runs at most this often. */
const MIN_GAP_MS = 1000;
const WORKER = workerFile(__filename, 'integrity-check.worker');

export interface IntegrityFailure {
  /** The file's name, as readiness shows it (no path). */
  file: string;
  /** Where it is, as the log names it. */
  path: string;
  detail: string;
}

/** What a check found that the one before did not (`damaged`), and the files it found mended. */
export interface IntegrityChange {
  damaged: readonly IntegrityFailure[];
  mended: readonly string[];
}

/**
 * `PRAGMA quick_check` of each database file (see quickCheck): at start, every
 * INTEGRITY_CHECK_INTERVAL_MS, and soon after any operation met a damaged page. Each check reads
 * every page, so it runs on a worker thread of its own: requests are never held up by it.
 */
export class IntegrityChecks {
  private failures: IntegrityFailure[] = [];
  private timer?: NodeJS.Timeout;
  private lastRun = 0;
  private running?: Promise<readonly IntegrityFailure[]>;

  constructor(
    private readonly files: readonly string[],
    private readonly onWorkerError: (error: Error) => void = () => undefined,
    private readonly onChange: (change: IntegrityChange) => void = () => undefined,
  ) {}

  get current(): readonly IntegrityFailure[] {
    return this.failures;
  }

  /** Checks now (the promise settles when that check is done), then every `intervalMs` (0: only now). */
  start(intervalMs: number): Promise<readonly IntegrityFailure[]> {
    if (intervalMs > 0) {
      this.timer = setInterval(() => void this.run(), intervalMs);
      this.timer.unref();
    }
    return this.run();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Checks again unless a check ran within the last second (something met a damaged page). */
  soon(): void {
    if (Date.now() - this.lastRun >= MIN_GAP_MS) void this.run();
  }

  /** One check of every file; a check already running is joined, not doubled. */
  run(): Promise<readonly IntegrityFailure[]> {
    this.lastRun = Date.now();
    this.running ??= this.checkOnWorker().finally(() => (this.running = undefined));
    return this.running;
  }

  private async checkOnWorker(): Promise<readonly IntegrityFailure[]> {
    try {
      const details = await new Promise<(string | null)[]>((resolve, reject) => {
        const worker = new Worker(WORKER.file, {
          workerData: this.files,
          execArgv: WORKER.execArgv,
        });
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`the check's worker exited (${code})`)));
      });
      const before = new Set(this.failures.map((failure) => failure.path));
      this.failures = this.files.flatMap((path, index) => {
        const detail = details[index];
        return detail ? [{ file: basename(path), path, detail }] : [];
      });
      const now = new Set(this.failures.map((failure) => failure.path));
      const change = {
        damaged: this.failures.filter((failure) => !before.has(failure.path)),
        mended: [...before].filter((path) => !now.has(path)),
      };
      if (change.damaged.length > 0 || change.mended.length > 0) this.onChange(change);
    } catch (error) {
      // Not a verdict on the files: the last one stands until a check completes.
      this.onWorkerError(error as Error);
    }
    return this.failures;
  }
}
