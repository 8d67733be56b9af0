import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { Settings } from '../config/settings';
import { eventsFile } from './event-store.factory';

/**
 * The embedded store's last position, read before it is opened (0 when there is no events.db);
 * undefined on EventStoreDB (a follower may lag its leader) or when the file cannot be read.
 * What a start compares the files beside it with: those that hold more came from a newer copy.
 */
export function embeddedEventsHead(settings: Settings): number | undefined {
  if (settings.EVENTSTORE_URL) return undefined;
  const events = eventsFile(settings);
  return existsSync(events) ? maxIn(events, 'SELECT MAX(position) AS n FROM events') : 0;
}

/** One number `sql` reads from `file` (0 for none); undefined when it cannot be read. */
export function maxIn(file: string, sql: string): number | undefined {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    return db.prepare<[], { n: number | null }>(sql).get()?.n ?? 0;
  } catch {
    return undefined;
  } finally {
    db?.close();
  }
}
