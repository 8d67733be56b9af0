import { isAbsolute, relative, resolve } from 'node:path';
import { inspect } from 'node:util';
import { databaseFileOf, faultCauseOf, StoreUnavailableError } from './store-unavailable';

/** The error a command failed with, or what caused it (a step it gave up on), whichever is a fault. */
function faultOf(error: unknown): { cause: string; detail?: string } | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const cause = faultCauseOf(current);
    if (cause) {
      const detail = current instanceof StoreUnavailableError ? current.detail : current.message;
      return { cause, detail };
    }
  }
  return undefined;
}

/** What mends each damaged database file. */
const MENDS: Record<string, string> = {
  'events.db': 'restore DATA_DIR from a backup (README: Backup and restore)',
  'read-models.db':
    'move it aside, with its -wal and -shm files: the read models are rebuilt from the events',
  'idempotency.db':
    'move it aside, with its -wal and -shm files: only the Idempotency-Keys it remembers are lost',
};

const NOT_WRITABLE = new Set(['EROFS', 'EACCES', 'EPERM']);

/** A file system refusal to write a file of DATA_DIR: its path and code. */
function notWritable(error: unknown): { path: string; code: string } | undefined {
  const { code, path } = (error ?? {}) as { code?: unknown; path?: unknown };
  return typeof code === 'string' && NOT_WRITABLE.has(code) && typeof path === 'string'
    ? { path, code }
    : undefined;
}

/** The address a listen found taken (`host:port`), from the error node raises. */
function addressInUse(error: unknown): string | undefined {
  const { code, address, port } = (error ?? {}) as {
    code?: unknown;
    address?: unknown;
    port?: unknown;
  };
  if (code !== 'EADDRINUSE') return undefined;
  return typeof port === 'number'
    ? `${typeof address === 'string' ? address : ''}:${port}`
    : 'the address';
}

/** Whether `path` lies in `dataDir` (unknown: assumed, as the stores' files are the usual case). */
function inDataDir(path: string, dataDir: string | undefined): boolean {
  if (dataDir === undefined) return true;
  const within = relative(resolve(dataDir), resolve(path));
  return within === '' || (!within.startsWith('..') && !isAbsolute(within));
}

/**
 * What a command or a server start that failed prints: its error, except that a damaged database
 * file says what mends it, where the store's own message (written for a GraphQL client's write)
 * says "try again later", a file of `dataDir` it may not write says that DATA_DIR must be
 * writable (another file, that this user may not write there), and a port taken names it and the
 * setting that moves it.
 */
export function failureMessage(error: unknown, dataDir?: string): string {
  const taken = addressInUse(error);
  if (taken) {
    return `${taken} is already in use (EADDRINUSE): another process listens there, perhaps another partner-ledger. Stop it, or set PORT (and HOST) to a free one`;
  }
  const refused = notWritable(error);
  if (refused && !inDataDir(refused.path, dataDir)) {
    return `${refused.path} cannot be written (${refused.code}): this user may not write there`;
  }
  if (refused) {
    return `${refused.path} cannot be written (${refused.code}): DATA_DIR must be writable by this user, even for commands that only read (SQLite keeps its lock and log files beside each database). Copy a read-only DATA_DIR (a mounted backup) somewhere writable first`;
  }
  const fault = faultOf(error);
  if (fault?.cause === 'CORRUPT') {
    const file = databaseFileOf(error);
    const damaged = `${file ?? 'a database file'} in DATA_DIR is damaged${fault.detail ? ` (${fault.detail})` : ''}; no retry mends it`;
    const mend = file && MENDS[file];
    return mend
      ? `${damaged}: ${mend}`
      : `${damaged}. If it is events.db, ${MENDS['events.db']}; if it is read-models.db, ${MENDS['read-models.db']}`;
  }
  return error instanceof Error ? error.message : inspect(error);
}
