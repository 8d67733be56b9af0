import Database from 'better-sqlite3';
import { existsSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Settings } from '../config/settings';
import { discardStaleReplays } from '../projection-engine/replay-files';
import { ReadStore } from './read-store';
import { recoverUnjournaledReplay } from './unjournaled-replay';
import { eventsFile } from '../event-store/event-store.factory';
import { embeddedEventsHead, maxIn } from '../event-store/embedded-head';

const readModelsFile = (settings: Settings): string => join(settings.DATA_DIR, 'read-models.db');

/** `busyWaitMs`: short on the request thread, where a blocking wait would hold every request. */
export const createReadStore = (settings: Settings, busyWaitMs?: number): ReadStore =>
  new ReadStore(readModelsFile(settings), busyWaitMs);

/**
 * Opens the read store after an integrity check (READ_MODELS_CHECK): read models are derived data,
 * so a file SQLite cannot read is set aside (renamed, with its WAL) and a fresh one is rebuilt from
 * the events, instead of a start that fails or a server that answers internal errors.
 */
export function openCheckedReadStore(
  settings: Settings,
  /** `error`: a file set aside (damaged, or ahead of the events); `warn`: leftovers cleared. */
  log: { error: (line: string) => void; warn: (line: string) => void },
  options: {
    busyWaitMs?: number;
    /** What happens to a file set aside, as the log line tells it. */
    then?: string;
    /** Set when a server holds the file (a command beside it): it is then never moved. */
    heldBy?: string;
  } = {},
): ReadStore {
  const { busyWaitMs, then = 'rebuilding the read models from the events', heldBy } = options;
  const file = readModelsFile(settings);
  // Before the integrity check: a file an unjournaled replay left may be torn, and is replayed.
  const recovered = recoverUnjournaledReplay(file);
  if (recovered) log.warn(recovered);
  const corrupt = settings.READ_MODELS_CHECK === 'off' ? undefined : integrityProblem(file);
  const ahead = corrupt ? undefined : aheadOfTheEvents(settings, file);
  if (corrupt || ahead) {
    const why = corrupt ? `failed its integrity check (${corrupt})` : ahead;
    if (heldBy) {
      throw new Error(
        `read models file ${resolve(file)} ${why}; ${heldBy} holds it, so it is left in place: restart the server, which sets it aside and rebuilds the read models from the events`,
      );
    }
    const kind = corrupt ? 'corrupt' : 'ahead';
    const aside = `${resolve(file)}.${kind}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
    }
    log.error(`read models file ${resolve(file)} ${why}; set aside as ${aside}, ${then}`);
  }
  const stale = discardStaleReplays(file);
  if (stale.length > 0)
    log.warn(`discarded ${stale.join(', ')}: left by a parallel replay that did not finish`);
  return createReadStore(settings, busyWaitMs);
}

/**
 * Whether the read models hold events the embedded store does not: a checkpoint past its last
 * event (an events.db restored from an older copy beside newer read models, or one that lost its
 * write-ahead log). Left alone, the store would number new events as ones the read models already
 * applied, and they would never show. EventStoreDB is not asked: a follower may lag its leader.
 */
function aheadOfTheEvents(settings: Settings, file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const head = embeddedEventsHead(settings);
  const applied = maxIn(file, 'SELECT MAX(position) AS n FROM projection_checkpoints');
  if (applied === undefined || head === undefined || applied <= head) return undefined;
  return `has applied events up to position ${applied}, past the event store's last (${head}): the events after it are not in ${resolve(eventsFile(settings))}`;
}

/** What SQLite's quick_check says is wrong with `file`, or undefined when it is fine (or absent). */
function integrityProblem(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    const rows = db.pragma('quick_check(3)') as { quick_check: string }[];
    return rows[0]?.quick_check === 'ok'
      ? undefined
      : rows.map((row) => row.quick_check).join('; ');
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    db?.close();
  }
}

export const describeReadStore = (settings: Settings): string =>
  `SQLite ${resolve(settings.DATA_DIR, 'read-models.db')}`;
