import Database from 'better-sqlite3';
import { dirname, resolve } from 'node:path';
import { FaultState } from '../../faults/fault-state';
import { FileIdentity } from '../../faults/file-identity';
import { BUSY_WAIT_MS, LOCK_RETRY_MS } from '../../faults/while-locked';
import {
  asUnavailable,
  faultCauseOf,
  handleDamagedPage,
  inDatabaseFile,
  StoreUnavailableError,
} from '../../faults/store-unavailable';
import { ensurePrivateDir, ensurePrivateFile } from '../../security/private-files';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type EventStoreHealth,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
} from '../event-store';
import { fillContent } from '../stored-content';
import { AppendListeners } from '../append-listeners';

export interface SqliteEventStoreOptions {
  /** FULL (default) survives power loss; NORMAL may lose the last commits but never corrupts. */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * How often (ms) to look for commits made by other connections (another process on the same
   * file), so `onAppended` listeners hear of them too. Only runs while listeners exist. 0 = off.
   */
  pollIntervalMs?: number;
  /**
   * How long (ms) an append waits for a write lock another process holds before it is refused
   * (UNAVAILABLE, LOCKED). The wait is a timer: the event loop never blocks on it beyond
   * BUSY_WAIT_MS per attempt.
   */
  lockWaitMs?: number;
}

interface EventRow {
  position: number;
  id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  created: number;
}

/** A row read with `dataOfTypes`: the data of the other types is null (not read). */
type DeferredRow = Omit<EventRow, 'data'> & { data: string | null };

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    stream_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    metadata TEXT NOT NULL,
    created INTEGER NOT NULL,
    UNIQUE (stream_id, revision)
  );
  CREATE TABLE IF NOT EXISTS write_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL)`;

interface PendingAppend {
  streamId: string;
  events: NewEvent[];
  expected: ExpectedRevision;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
  /** Past this (epoch ms), a lock still held by someone else refuses the append. */
  lockDeadline: number;
  result?: AppendResult;
  error?: unknown;
}

const COLUMNS = 'position, id, stream_id, revision, type, data, metadata, created';
/** SQLite reads a negative LIMIT as "no limit". */
const NO_LIMIT = -1;

/** The embedded event store: one SQLite file, safe to share between processes (WAL + locks). */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly listeners = new AppendListeners();
  private readonly pollIntervalMs: number;
  private pollTimer: NodeJS.Timeout | undefined;
  private dataVersion = 0;

  private readonly streamRevision: Database.Statement<[string], { revision: number | null }>;
  private readonly head: Database.Statement<[], { position: number | null }>;
  private readonly insert: Database.Statement<
    [string, string, number, string, string, string, number]
  >;
  private readonly forwards: Database.Statement<[string, number, number], EventRow>;
  private readonly backwards: Database.Statement<[string, number, number], EventRow>;
  private readonly all: Database.Statement<[number, number], EventRow>;
  private readonly allSomeData: Database.Statement<[string, number, number], DeferredRow>;
  private readonly appendTx: Database.Transaction<
    (streamId: string, events: NewEvent[], expected: ExpectedRevision) => AppendResult
  >;
  private readonly commitTx: Database.Transaction<(appends: PendingAppend[]) => void>;
  private pending: PendingAppend[] = [];
  private lockRetry: NodeJS.Timeout | undefined;
  private readonly lockWaitMs: number;
  private readonly probe: Database.Statement<[number]>;
  /** The last environment fault an append or probe met, until one succeeds again. */
  readonly faults = new FaultState();
  /** The file opened: appends to one deleted or replaced under the server would be lost. */
  private readonly file?: FileIdentity;
  /** Its write-ahead log, where committed appends wait for a checkpoint: as lost when deleted. */
  private readonly log?: FileIdentity;

  constructor(filePath: string, options: SqliteEventStoreOptions = {}) {
    if (filePath !== ':memory:' && filePath !== '') {
      ensurePrivateDir(dirname(resolve(filePath)));
      ensurePrivateFile(filePath);
      this.file = new FileIdentity(filePath);
    }
    const db = new Database(filePath);
    this.db = db;
    inDatabaseFile(filePath, () => {
      db.pragma(`busy_timeout = ${BUSY_WAIT_MS}`);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
      db.exec(SCHEMA);
    });
    if (this.file) this.log = new FileIdentity(`${filePath}-wal`);
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.lockWaitMs = options.lockWaitMs ?? 2000;
    this.probe = this.db.prepare(
      'INSERT INTO write_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at',
    );

    this.streamRevision = this.db.prepare(
      'SELECT MAX(revision) AS revision FROM events WHERE stream_id = ?',
    );
    this.head = this.db.prepare('SELECT MAX(position) AS position FROM events');
    this.insert = this.db.prepare(
      `INSERT INTO events (id, stream_id, revision, type, data, metadata, created)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.forwards = this.db.prepare(
      `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ?
       ORDER BY revision ASC LIMIT ?`,
    );
    this.backwards = this.db.prepare(
      `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision <= ?
       ORDER BY revision DESC LIMIT ?`,
    );
    this.all = this.db.prepare(
      `SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position ASC LIMIT ?`,
    );
    // The data only of the types named (a JSON array): the rest is neither copied nor kept.
    this.allSomeData = this.db.prepare(
      `SELECT position, id, stream_id, revision, type,
         CASE WHEN type IN (SELECT value FROM json_each(?)) THEN data END AS data, metadata, created
       FROM events WHERE position > ? ORDER BY position ASC LIMIT ?`,
    );
    this.appendTx = this.db.transaction((streamId, events, expected) =>
      this.appendInTransaction(streamId, events, expected),
    );
    // Nested in commitTx, each append runs in its own savepoint: a failed expectation undoes
    // that append alone.
    this.commitTx = this.db.transaction((appends: PendingAppend[]) => {
      for (const append of appends) {
        try {
          append.result = this.appendTx(append.streamId, append.events, append.expected);
        } catch (error) {
          append.error = error;
        }
      }
    });
  }

  /**
   * Group commit: the appends requested during one turn of the event loop (concurrent requests)
   * commit together, each atomic on its own, with one fsync between them. An append resolves only
   * once its transaction committed.
   */
  append(
    streamId: string,
    events: NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0 && !this.lockRetry) setImmediate(() => this.commitPending());
      this.pending.push({
        streamId,
        events,
        expected: expectedRevision,
        resolve,
        reject,
        lockDeadline: Date.now() + this.lockWaitMs,
      });
    });
  }

  /**
   * A lock held by another process is waited for on a timer (the appends keep their order and
   * later ones join them); past its deadline an append is refused UNAVAILABLE (LOCKED). Any other
   * fault (disk full, I/O error) refuses the whole group at once: nothing of it was committed.
   */
  private commitPending(): void {
    this.lockRetry = undefined;
    let appends = this.pending;
    this.pending = [];
    if (appends.length === 0) return;
    const lost = this.lostFile();
    if (lost) {
      // The caller is not told where the file is; the probes are.
      this.faults.noteFailure(new StoreUnavailableError('FILE_LOST', lost));
      appends.forEach((append) => append.reject(new StoreUnavailableError('FILE_LOST')));
      return;
    }
    try {
      // IMMEDIATE takes the write lock before any revision is read, so no other connection
      // (in this process or another) can append between a check and its insert.
      this.commitTx.immediate(appends);
    } catch (error) {
      this.faults.noteFailure(error);
      handleDamagedPage(this.db, error);
      if (isBusy(error)) {
        const now = Date.now();
        const expired = appends.filter((append) => append.lockDeadline <= now);
        appends = appends.filter((append) => append.lockDeadline > now);
        expired.forEach((append) => append.reject(new StoreUnavailableError('LOCKED')));
        if (appends.length > 0) {
          this.pending = [...appends, ...this.pending];
          this.lockRetry = setTimeout(() => this.commitPending(), LOCK_RETRY_MS);
        }
        return;
      }
      // A fault inside one append (disk full) can end the whole transaction: that fault, not
      // the failed COMMIT after it, is why nothing of the group was recorded.
      const cause = appends.find((append) => faultCauseOf(append.error))?.error ?? error;
      appends.forEach((append) => append.reject(asUnavailable(cause)));
      return;
    }
    this.faults.clear();
    for (const append of appends) {
      if (append.result) append.resolve(append.result);
      else append.reject(asUnavailable(append.error));
    }
    if (appends.some((append) => append.result && append.events.length > 0))
      this.listeners.notify();
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.maxCount ?? NO_LIMIT;
    return this.settle(() =>
      (options.direction === 'backwards'
        ? this.backwards.all(streamId, options.fromRevision ?? Number.MAX_SAFE_INTEGER, limit)
        : this.forwards.all(streamId, options.fromRevision ?? 0, limit)
      ).map(toRecordedEvent),
    );
  }

  readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const { after = 0, maxCount, deferContent, dataOfTypes } = options;
    if (deferContent && dataOfTypes) {
      const types = JSON.stringify([...dataOfTypes]);
      return this.settle(() => this.allSomeData.all(types, after, maxCount).map(toDeferredEvent));
    }
    const toEvent = deferContent ? toDeferredEvent : toRecordedEvent;
    return this.settle(() => this.all.all(after, maxCount).map(toEvent));
  }

  headPosition(): Promise<number> {
    return this.settle(() => this.head.get()?.position ?? 0);
  }

  positionsIssued(): Promise<number> {
    // AUTOINCREMENT's counter: it keeps the highest position given even once its event is gone.
    return this.settle(
      () =>
        this.db
          .prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'events'")
          .get()?.seq ?? 0,
    );
  }

  onAppended(listener: () => void): () => void {
    const remove = this.listeners.add(listener);
    this.startPolling();
    return () => {
      if (remove() === 0) this.stopPolling();
    };
  }

  /**
   * UP when the store could commit now: it reads, its write lock is free (taken and let go at
   * once) and, after a fault, a probe commit succeeds (so recovery is seen without traffic).
   */
  health(): Promise<EventStoreHealth> {
    if (!this.db.open) return Promise.resolve({ kind: 'sqlite', status: 'DOWN', detail: 'closed' });
    try {
      const lost = this.lostFile();
      if (lost) throw new StoreUnavailableError('FILE_LOST', lost);
      this.db.prepare('SELECT 1').get();
      if (this.faults.current) this.db.transaction(() => this.probe.run(Date.now())).immediate();
      else this.db.transaction(() => undefined).immediate();
      this.faults.clear();
      return Promise.resolve({ kind: 'sqlite', status: 'UP' });
    } catch (error) {
      this.faults.noteFailure(error);
      const fault = this.faults.current;
      return Promise.resolve({
        kind: 'sqlite',
        status: 'DOWN',
        detail: (error as Error).message,
        ...(fault ? { cause: fault.cause } : {}),
      });
    }
  }

  /** Why events.db or its log is no longer the file opened, if so (closed: SQLite removed the log). */
  private lostFile(): string | undefined {
    if (!this.db.open) return undefined;
    return this.file?.lost() ?? this.log?.lost();
  }

  close(): Promise<void> {
    clearTimeout(this.lockRetry);
    if (this.db.open) this.commitPending();
    clearTimeout(this.lockRetry);
    this.pending.forEach((append) => append.reject(new StoreUnavailableError('LOCKED')));
    this.pending = [];
    this.stopPolling();
    this.listeners.clear();
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }

  /** Runs synchronous database work as a promise: a throw rejects it (UNAVAILABLE for a fault). */
  private settle<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve) => resolve(work())).catch((error: unknown) => {
      handleDamagedPage(this.db, error);
      throw asUnavailable(error, 'read');
    });
  }

  private appendInTransaction(
    streamId: string,
    events: NewEvent[],
    expected: ExpectedRevision,
  ): AppendResult {
    const current = this.streamRevision.get(streamId)?.revision ?? null;
    const actual = current ?? 'no_stream';
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && current === null) ||
      (expected === 'stream_exists' && current !== null) ||
      expected === current;
    if (!ok) throw new WrongExpectedRevisionError(streamId, expected, actual);

    let revision = current ?? -1;
    if (events.length === 0) {
      return { nextExpectedRevision: revision, position: this.head.get()?.position ?? 0 };
    }
    const created = Date.now();
    let position = 0;
    for (const event of events) {
      revision += 1;
      const info = this.insert.run(
        event.id,
        streamId,
        revision,
        event.type,
        JSON.stringify(event.data ?? null),
        JSON.stringify(event.metadata),
        created,
      );
      position = Number(info.lastInsertRowid);
    }
    return { nextExpectedRevision: revision, position };
  }

  /** `PRAGMA data_version` changes when another connection commits: our cue to notify. */
  private startPolling(): void {
    if (this.pollTimer || this.pollIntervalMs <= 0 || !this.db.open) return;
    this.dataVersion = this.readDataVersion();
    this.pollTimer = setInterval(() => {
      if (!this.db.open) return this.stopPolling();
      try {
        const version = this.readDataVersion();
        if (version === this.dataVersion) return;
        this.dataVersion = version;
        this.listeners.notify();
      } catch {
        // Busy or failing file: try again on the next tick; health() reports lasting trouble.
      }
    }, this.pollIntervalMs);
    this.pollTimer.unref();
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  private readDataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }
}

const isBusy = (error: unknown): boolean =>
  /^SQLITE_(BUSY|LOCKED)/.test(String((error as { code?: unknown } | null)?.code));

/** A row whose JSON cannot be parsed (written by hand) is returned marked, never thrown on. */
function toRecordedEvent(row: EventRow): RecordedEvent {
  // Parsed straight into the event: a replay reads a million of these, and every wrapper counts.
  const event = eventOf(row);
  fillContent(event, row);
  return event;
}

/** The event with its text kept as stored (`readContent` parses it when needed). */
function toDeferredEvent(row: DeferredRow): RecordedEvent {
  const event = eventOf(row);
  event.stored = row;
  return event;
}

function eventOf(row: DeferredRow): RecordedEvent {
  return {
    id: row.id,
    streamId: row.stream_id,
    type: row.type,
    data: undefined,
    metadata: undefined as unknown as EventMetadata,
    revision: row.revision,
    position: row.position,
    created: new Date(row.created),
  };
}
