import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECTIONS } from '../../../src/capabilities';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import type { ReadAllOptions, RecordedEvent } from '../../../src/platform/event-store/event-store';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { InterleavingStore } from '../../support/interleaving-store';
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
       SELECT @id, stream_id, revision + @offset, type, COALESCE(@data, data), COALESCE(@metadata, metadata), created
       FROM events WHERE type = @type ORDER BY position DESC LIMIT 1`,
    );
    const copy = (
      id: string,
      type: string,
      offset: number,
      data: string | null,
      metadata: string | null,
    ) => poison.run({ id, type, offset, data, metadata });
    // Data that is not JSON, of a type customers-history handles and of one it does not; metadata
    // that is not JSON; and metadata with no actor or time. Every-event handlers throw on some
    // mid-page, so the page is rolled back and applied again event by event.
    copy('data-relationship', 'RelationshipEstablished', 1000, '{not json', null);
    copy('data-invitation', 'InvitationCreated', 1000, '{not json', null);
    copy('bad-metadata', 'RelationshipEstablished', 2000, null, '{not json');
    copy('no-actor', 'InvitationCreated', 2000, '{}', '{"schemaVersion":1}');
    raw
      .prepare(
        `UPDATE events SET metadata = json_set(metadata, '$.actor.userId', 'acts-once-with-bad-data',
           '$.actor.name', 'Only Once') WHERE id = 'data-invitation'`,
      )
      .run();
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

  it('a listener that comes while a page is read without the data hears of its events whole', async () => {
    const users = PROJECTIONS.filter(({ name }) => name === 'users');
    const reading = new InterleavingStore(store);
    const heard: RecordedEvent[] = [];
    let listening = false;
    const engine = new ProjectionEngine(reading, readStore('listened.db'), users, { batchSize: 7 });
    reading.readAll = async (options: ReadAllOptions) => {
      const page = await store.readAll(options);
      if (options.dataOfTypes && !listening) {
        listening = true;
        engine.onApplied((events) => heard.push(...events));
      }
      return page;
    };
    await engine.rebuild();
    const head = await store.headPosition();
    expect(heard.map((event) => event.position)).toEqual(
      Array.from({ length: head }, (_, index) => index + 1),
    );
    // Every event whole: its data parsed, or marked as data that cannot be parsed.
    expect(heard.filter((event) => event.data === undefined && !event.malformed)).toEqual([]);
  });

  it('malformed data is poison only where it is read, malformed metadata wherever the event is applied', async () => {
    const reads = readStore('users.db');
    const engine = new ProjectionEngine(store, reads, PROJECTIONS, { batchSize: 7 });
    await engine.rebuild();
    const ids = (name: string) => engine.deadLetters([name]).map((letter) => letter.eventId);
    // users reads only metadata: the data of no event is read for it.
    expect(ids('users')).toEqual(['bad-metadata', 'no-actor']);
    // customers-history reads every event's metadata and the data of the types it handles.
    expect(ids('customers-history')).toEqual(['data-relationship', 'bad-metadata', 'no-actor']);
    expect(ids('customers')).toEqual(['data-relationship', 'bad-metadata']);
    expect(ids('invitations')).toEqual(['data-invitation', 'no-actor']);
    // Audit reads every event's data and stops at the first (FAIL): a gap would break its chain.
    expect(ids('audit')).toEqual(['data-relationship']);
    const audit = (await engine.status()).find((row) => row.name === 'audit');
    expect(audit?.status).toBe('FAILED');
    // A user whose only event's data was not JSON is still seen, from its metadata.
    const seen = reads.db
      .prepare("SELECT name FROM users WHERE user_id = 'acts-once-with-bad-data'")
      .get() as { name: string } | undefined;
    expect(seen?.name).toBe('Only Once');
  });
});
