import Database from 'better-sqlite3';
import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import type { Settings } from '../platform/config/settings';
import { describeEventStore, eventsFile } from '../platform/event-store/event-store.factory';
import { describeReadStore } from '../platform/read-store/read-store.factory';

/** Says on stderr which stores a command opened, so it is plain which data it worked on. */
export function reportOpenedStores(settings: Settings, readModels = true): void {
  const stores = [`event store: ${describeEventStore(settings)}`];
  if (readModels) stores.push(`read models: ${describeReadStore(settings)}`);
  console.error(`partner-ledger: ${stores.join('; ')}`);
}

/**
 * For a command that works on an existing store: refuses a DATA_DIR with no events.db (a mistyped
 * one), where opening the stores would create empty ones and the command would report on them.
 */
export function assertStoreExists(settings: Settings): void {
  const events = eventsFile(settings);
  if (settings.EVENTSTORE_URL) return;
  try {
    accessSync(events, constants.R_OK);
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new Error(
        `${resolve(events)} does not exist: no event store there (is DATA_DIR right?)`,
      );
    }
    throw new Error(
      `${resolve(events)} cannot be read (${code}): DATA_DIR and its files must be readable and writable by this user`,
    );
  }
  if (!holdsEventsTable(events)) {
    throw new Error(
      `${resolve(events)} holds no events table: it is not partner-ledger's event store, or it was damaged; restore it from a backup`,
    );
  }
}

/** False only when the file reads as SQLite and lacks the table: a damaged file is named later. */
function holdsEventsTable(file: string): boolean {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    return (
      db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get() !==
      undefined
    );
  } catch {
    return true;
  } finally {
    db?.close();
  }
}

/**
 * A command's projection engines give up after this many failed tries in a row (about 3 s of
 * backoff), at once for a damaged file, and the command fails saying why: the server retries for
 * ever while an operator clears the fault, but a command has nobody to wait for.
 */
export const COMMAND_GIVES_UP_AFTER = 6;
