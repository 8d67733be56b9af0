import Database from 'better-sqlite3';
import { join } from 'node:path';
import request from 'supertest';
import { PROJECTIONS } from '../../src/capabilities';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { EsdbDouble } from '../support/esdb-double/esdb-double';
import { appForSuite, removeDataDir, startApp, type TestApp } from '../support/app';
import { writeStory } from '../support/story';
import { customerAdmin, people } from '../support/tenants';

const INVITE = 'mutation { requestResellerRelationship(input: {}) { id } }';

/** Polls until `check` holds (the server moves on its own); fails after `ms`. */
async function eventually(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const status = async (app: TestApp, path: string) => (await request(app.url).get(path)).status;

describe('probes on a started server', () => {
  const app = appForSuite();

  it('GET /health tells an anonymous caller only up or down', async () => {
    const response = await request(app.url).get('/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'UP' });
  });

  it('GET /health shows a partner no more than an anonymous caller', async () => {
    const response = await request(app.url)
      .get('/health')
      .set('authorization', `Bearer ${await app.token(people.ann)}`);
    expect(response.body).toEqual({ status: 'UP' });
  });

  it('GET /health shows the Operator the event store and every projection', async () => {
    const response = await request(app.url)
      .get('/health')
      .set('authorization', `Bearer ${await app.token(people.opal)}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'UP',
      started: true,
      eventStore: { kind: 'sqlite', status: 'UP' },
    });
    expect(response.body.projections.map((p: { name: string }) => p.name)).toEqual(
      PROJECTIONS.map((projection) => projection.name),
    );
  });

  it('/health/live and /health/ready answer 200 once the read models are caught up', async () => {
    expect(await status(app, '/health/live')).toBe(200);
    const ready = await request(app.url).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'READY' });
  });
});

describe('probes and queries while the read models catch up at start', () => {
  const ann = people.ann;
  let dataDir: string;
  let head: number;
  let lock: Database.Database;
  let app: TestApp;

  beforeAll(async () => {
    // A store with history whose read models are behind it: the server must catch up at start.
    const first = await startApp();
    dataDir = first.dataDir;
    await first.close();
    const store = new SqliteEventStore(join(dataDir, 'events.db'));
    await writeStory(store, 6);
    head = await store.headPosition();
    await store.close();
    // Holding the read store's write lock keeps the projections from committing: the catch-up
    // stays where it is for as long as the test needs, whatever the machine's speed.
    lock = new Database(join(dataDir, 'read-models.db'));
    lock.exec('BEGIN IMMEDIATE');
    app = await startApp({ dataDir, waitUntilReady: false, env: { NOT_READY_WAIT_MS: '200' } });
  });
  afterAll(async () => {
    if (lock.inTransaction) lock.exec('ROLLBACK');
    lock.close();
    await app.close();
    removeDataDir(dataDir);
  });

  it('the port is open at once: live answers 200, ready 503 with the catch-up progress', async () => {
    expect(await status(app, '/health/live')).toBe(200);
    const ready = await request(app.url).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'NOT_READY', catchUp: { percent: 0 } });
  });

  it('the Operator sees how far each read model is behind the store', async () => {
    const ready = await request(app.url)
      .get('/health/ready')
      .set('authorization', `Bearer ${await app.token(people.opal)}`);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'NOT_READY',
      started: false,
      catchUp: { head, applied: 0, percent: 0 },
      eventStore: { kind: 'sqlite', status: 'UP' },
    });
    expect(ready.body.projections).toContainEqual(
      expect.objectContaining({ name: 'customers', checkpoint: 0, lag: head }),
    );
  });

  it('a query waits briefly, then answers NOT_READY', async () => {
    const answer = await app.gql(await app.token(ann), '{ customers { totalCount } }');
    expect(answer.data).toBeUndefined();
    expect(answer.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('catching up'),
        extensions: { code: 'NOT_READY' },
      }),
    ]);
  });

  it('a mutation answers NOT_READY with recorded: false, and appends nothing', async () => {
    const answer = await app.gql(await app.token(ann), INVITE);
    expect(answer.errors?.[0].extensions).toEqual({ code: 'NOT_READY', recorded: false });
    const store = new SqliteEventStore(join(dataDir, 'events.db'));
    expect(await store.headPosition()).toBe(head);
    await store.close();
  });

  it('introspection answers meanwhile, to a signed-in caller (a GraphQL IDE can load the schema)', async () => {
    const answer = await app.gql(
      await app.token(customerAdmin(0)),
      '{ __schema { queryType { name } } }',
    );
    expect(answer).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('once the read models can commit, the server becomes ready and answers', async () => {
    lock.exec('COMMIT');
    await eventually(async () => (await status(app, '/health/ready')) === 200);
    const answer = await app.gql(
      await app.token(customerAdmin(0)),
      '{ partnerRelationships { partnerTenantId } }',
    );
    expect(answer).toEqual({
      data: { partnerRelationships: [{ partnerTenantId: 'partner-0' }] },
    });
  });
});

describe('readiness follows the event store (EventStoreDB)', () => {
  let double: EsdbDouble;
  let app: TestApp;
  beforeAll(async () => {
    double = await EsdbDouble.start();
    app = await startApp({ env: { EVENTSTORE_URL: double.url } });
  });
  afterAll(async () => {
    await app.close();
    await double.stop();
    removeDataDir(app.dataDir);
  });

  it('ready turns 503 while the store is unreachable, live stays 200; both 200 once it is back', async () => {
    expect(await status(app, '/health/ready')).toBe(200);
    await double.stop();
    const down = await request(app.url)
      .get('/health/ready')
      .set('authorization', `Bearer ${await app.token(people.opal)}`);
    expect(down.status).toBe(503);
    expect(down.body.eventStore).toMatchObject({ kind: 'eventstoredb', status: 'DOWN' });
    expect(await status(app, '/health/live')).toBe(200);
    expect((await request(app.url).get('/health')).body).toEqual({ status: 'DOWN' });
    await double.start();
    await eventually(async () => (await status(app, '/health/ready')) === 200);
  });
});
