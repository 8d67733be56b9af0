import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECTIONS } from '../../../src/capabilities';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { dumpReadModels } from '../../support/read-model-dump';
import { writeStory } from '../../support/story';
import { scratchReadStores } from '../../support/scratch-read-stores';

/**
 * A read model replayed alone lets go of each event's parsed content once it applied it (the
 * engine reads its pages unparsed): what it writes, and which events it sets aside, must be what
 * it writes replayed with every other read model, whose pages are parsed and kept whole.
 */
describe('a read model replayed alone: the rows and dead letters of a replay of all', () => {
  let dir: string;
  let store: SqliteEventStore;
  const readStores = scratchReadStores(() => dir);
  const readStore = readStores.open;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'replayed-alone-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    await writeStory(store, 4);
    const raw = new Database(join(dir, 'events.db'));
    const poison = raw.prepare(
      `INSERT INTO events (id, stream_id, revision, type, data, metadata, created)
       SELECT ?, stream_id, revision + 1000, type, ?, ?, created FROM events WHERE position = ?`,
    );
    const head = await store.headPosition();
    // Data that is not JSON, and metadata with no actor or time: every-event handlers throw on
    // the second mid-page, so the page is rolled back and applied again event by event.
    poison.run('malformed', '{not json', '{}', head - 3);
    poison.run('no-actor', '{}', '{"schemaVersion":1}', head - 1);
    raw.close();
    await writeStory(store, 4, 3, 4);
  });

  afterEach(async () => {
    readStores.closeAll();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(PROJECTIONS.map((projection) => [projection.name, projection]))(
    '%s alone, in pages of 7',
    async (_name, projection) => {
      const together = readStore('together.db');
      const all = new ProjectionEngine(store, together, PROJECTIONS, { batchSize: 7 });
      await all.rebuild();
      const reads = readStore('alone.db');
      const alone = new ProjectionEngine(store, reads, [projection], { batchSize: 7 });
      await alone.rebuild();

      expect(dumpReadModels(reads, [projection])).toEqual(dumpReadModels(together, [projection]));
      const letters = (engine: ProjectionEngine) =>
        engine.deadLetters([projection.name]).map(({ failedAt: _at, ...letter }) => letter);
      expect(letters(alone)).toEqual(letters(all));
      const status = async (engine: ProjectionEngine) => {
        const found = (await engine.status()).find((row) => row.name === projection.name);
        return { status: found?.status, checkpoint: found?.checkpoint, error: found?.error };
      };
      expect(await status(alone)).toEqual(await status(all));
    },
  );

  it('the every-event read models set both poison events aside, each per its policy', async () => {
    const reads = readStore('users.db');
    const engine = new ProjectionEngine(
      store,
      reads,
      PROJECTIONS.filter(({ name }) => ['users', 'customers-history', 'audit'].includes(name)),
      { batchSize: 7 },
    );
    await engine.rebuild();
    const ids = (name: string) => engine.deadLetters([name]).map((letter) => letter.eventId);
    expect(ids('users')).toEqual(['malformed', 'no-actor']);
    expect(ids('customers-history')).toEqual(['malformed', 'no-actor']);
    // Audit stops at the first (FAIL): a gap would break its hash chain.
    expect(ids('audit')).toEqual(['malformed']);
    const audit = (await engine.status()).find((row) => row.name === 'audit');
    expect(audit?.status).toBe('FAILED');
  });
});
