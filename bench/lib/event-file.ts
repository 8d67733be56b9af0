import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import type { WorldEvent } from './world';

const BATCH = 10_000;

/**
 * Writes generated history into an events.db laid out by SqliteEventStore (it creates the schema),
 * many events per transaction and without fsync: a fixture, written in seconds rather than the
 * minutes one transaction per command would take. Rows are encoded as the store encodes them.
 */
export function writeEventFile<T>(
  file: string,
  produce: (emit: (event: WorldEvent) => void) => T,
): T {
  void new SqliteEventStore(file).close();
  const db = new Database(file);
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    `INSERT INTO events (id, stream_id, revision, type, data, metadata, created)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const flush = db.transaction((rows: WorldEvent[]) => {
    for (const event of rows) {
      insert.run(
        event.id,
        event.streamId,
        event.revision,
        event.type,
        JSON.stringify(event.data ?? null),
        JSON.stringify(event.metadata),
        Date.parse(event.metadata.occurredAt),
      );
    }
  });
  let buffer: WorldEvent[] = [];
  try {
    const result = produce((event) => {
      buffer.push(event);
      if (buffer.length >= BATCH) {
        flush(buffer);
        buffer = [];
      }
    });
    flush(buffer);
    return result;
  } finally {
    db.close();
  }
}

const CACHE_DIR = join(tmpdir(), 'partner-ledger-bench-cache');
const ROOT = join(__dirname, '../..');

/** Everything that shapes generated events: when any of it changes, cached files are stale. */
function generatorFingerprint(): string {
  const hash = createHash('sha256');
  const visit = (path: string) => {
    if (statSync(path).isDirectory())
      readdirSync(path)
        .sort()
        .forEach((name) => visit(join(path, name)));
    else hash.update(path).update(readFileSync(path));
  };
  // Every room's pure domain (src/<capability>/domain, src/platform/domain) decides the events.
  const domains = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) =>
        entry.name === 'domain' ? [join(dir, entry.name)] : domains(join(dir, entry.name)),
      );
  domains(join(ROOT, 'src')).sort().forEach(visit);
  ['world.ts', 'population.ts', 'event-file.ts'].forEach((name) => visit(join(__dirname, name)));
  return hash.digest('hex').slice(0, 16);
}

/**
 * A generated events.db copied to `file`, from a cache keyed by `key` and the generator's source,
 * so repeated runs skip generating a million events. Returns what `produce` returned.
 */
export function cachedEventFile<T>(
  key: string,
  file: string,
  produce: (emit: (event: WorldEvent) => void) => T,
): T {
  mkdirSync(CACHE_DIR, { recursive: true });
  const base = join(CACHE_DIR, `${key}-${generatorFingerprint()}`);
  if (!existsSync(`${base}.db`) || !existsSync(`${base}.json`)) {
    const partial = `${base}.${process.pid}.partial`;
    rmSync(partial, { force: true });
    const result = writeEventFile(partial, produce);
    // Both renames are atomic: a concurrent run sees whole files or none.
    writeFileSync(`${partial}.json`, JSON.stringify(result ?? null));
    renameSync(`${partial}.json`, `${base}.json`);
    renameSync(partial, `${base}.db`);
  }
  copyFileSync(`${base}.db`, file);
  return JSON.parse(readFileSync(`${base}.json`, 'utf8')) as T;
}
