import { basename } from 'node:path';

/** Why a store cannot commit now; `UNAVAILABLE`'s `extensions.cause`. */
export type UnavailableCause =
  'DISK_FULL' | 'LOCKED' | 'IO_ERROR' | 'CORRUPT' | 'FILE_LOST' | 'PROJECTION_LAG' | 'UNREACHABLE';

const MESSAGES: Record<UnavailableCause, string> = {
  DISK_FULL: 'the disk holding the data is full',
  LOCKED: 'another process holds the store locked',
  IO_ERROR: 'the store failed to read or write its file',
  CORRUPT: 'a database file is damaged',
  FILE_LOST: 'the store file was deleted or replaced while the server ran (it must be restarted)',
  PROJECTION_LAG: 'the read models are too far behind the event store',
  UNREACHABLE: 'the event store server cannot be reached',
};

export type StoreAccess = 'read' | 'write';

/**
 * A write that could not be recorded, or a read that could not be answered, for a reason in the
 * environment, not in the request: nothing was recorded (unless `recorded` says it may have been),
 * and the same request may succeed once the fault is gone.
 */
export class StoreUnavailableError extends Error {
  constructor(
    readonly fault: UnavailableCause,
    readonly detail?: string,
    /** False when the store surely wrote nothing; 'unknown' when a write may have landed. */
    readonly recorded: false | 'unknown' = false,
    /** What failed: a read tells a query it was not answered, not that a change was refused. */
    readonly access: StoreAccess = 'write',
  ) {
    const why = `${MESSAGES[fault]}${detail ? ` (${detail})` : ''}`;
    super(
      access === 'read'
        ? `The data cannot be read now: ${why}. Nothing was recorded; try again later.`
        : `The change cannot be recorded now: ${why}. ${
            recorded === false
              ? 'Nothing was recorded; try again later.'
              : 'It may have been recorded: look in the audit log for its correlation id (the x-request-id of this answer) before trying again; a retry with the same Idempotency-Key gets this answer again.'
          }`,
    );
    this.name = 'StoreUnavailableError';
    this.publicMessage = this.message;
  }

  /** What a client is told; a subclass may log more (a server address) in `message`. */
  readonly publicMessage: string;
}

/** The environment fault behind an SQLite or file-system error, if it is one (else undefined). */
export function faultCauseOf(error: unknown): UnavailableCause | undefined {
  if (error instanceof StoreUnavailableError) return error.fault;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return 'DISK_FULL';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'LOCKED';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'CORRUPT';
  if (
    code.startsWith('SQLITE_IOERR') ||
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_READONLY') ||
    code === 'SQLITE_PROTOCOL' ||
    code === 'EIO' ||
    code === 'EROFS'
  )
    return 'IO_ERROR';
  return undefined;
}

/** The error as an UNAVAILABLE refusal when the environment caused it; unchanged otherwise. */
export function asUnavailable(error: unknown, access = accessOf(error)): unknown {
  if (error instanceof StoreUnavailableError) return error;
  const cause = faultCauseOf(error);
  if (!cause) return error;
  const unavailable = new StoreUnavailableError(cause, (error as Error).message, false, access);
  return Object.assign(unavailable, { cause: error });
}

/** Marks an error a store raised while reading: asUnavailable then words it as a read. */
export function raisedReading(error: unknown): void {
  if (error instanceof Error) Object.assign(error, { storeAccess: 'read' });
}

const accessOf = (error: unknown): StoreAccess =>
  (error as { storeAccess?: unknown } | null)?.storeAccess === 'read' ? 'read' : 'write';

/** Names the database file on an error an operation on it raised (see databaseFileOf). */
export function inDatabaseFile<T>(file: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw tagged(error, file);
  }
}

/** The database file (`events.db`) that the error, or one it was caused by, was raised on. */
export function databaseFileOf(error: unknown): string | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const { databaseFile } = current as { databaseFile?: unknown };
    if (typeof databaseFile === 'string') return databaseFile;
  }
  return undefined;
}

function tagged(error: unknown, file: string): unknown {
  if (error instanceof Error && databaseFileOf(error) === undefined)
    Object.assign(error, { databaseFile: basename(file) });
  return error;
}

/** Called in this thread whenever an operation meets a damaged page (the integrity checks). */
const damagedPageListeners = new Set<() => void>();

/** Calls `listener` whenever an operation of this thread meets a damaged page; returns its removal. */
export function onDamagedPage(listener: () => void): () => void {
  damagedPageListeners.add(listener);
  return () => damagedPageListeners.delete(listener);
}

/**
 * After a damaged page, drops the connection's cached pages, so the next read goes to the file
 * (which may have been restored meanwhile) instead of the copy in memory, and tells the listeners
 * (an integrity check then names the file, and readiness turns false).
 */
export function handleDamagedPage(
  db: { name: string; pragma(source: string): unknown },
  error: unknown,
): void {
  if (faultCauseOf(error) !== 'CORRUPT') return;
  tagged(error, db.name);
  try {
    db.pragma('shrink_memory');
  } catch {
    // Closed, or failing again: the next attempt will tell.
  }
  damagedPageListeners.forEach((listener) => listener());
}
