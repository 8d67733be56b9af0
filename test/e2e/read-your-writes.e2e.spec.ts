import { join } from 'node:path';
import request from 'supertest';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { Checkpoints } from '../../src/platform/projection-engine/checkpoints';
import { PROJECTOR, type Projector } from '../../src/platform/projection-engine/projector';
import { READ_STORE, type ReadStore } from '../../src/platform/read-store/read-store';
import { removeDataDir, startApp, type TestApp } from '../support/app';
import { writeStory } from '../support/story';
import { people } from '../support/tenants';

const INVITE = 'mutation { requestResellerRelationship(input: {}) { id status } }';
const AUDIT = '{ auditLog(first: 5) { nodes { type correlationId } } }';

/**
 * Read-your-writes per read model: a mutation waits only for the read models its answer reads, and
 * the same caller's next query waits for the ones it reads. The audit log is made the slow read
 * model by rebuilding it in place one event per batch over about 1,500 events (in the projection
 * worker).
 */
describe('read-your-writes waits only for the read models a request reads', () => {
  let app: TestApp;
  let checkpoints: Checkpoints;

  beforeAll(async () => {
    const first = await startApp();
    const dataDir = first.dataDir;
    await first.close();
    const store = new SqliteEventStore(join(dataDir, 'events.db'));
    await writeStory(store, 300);
    await store.close();
    app = await startApp({
      dataDir,
      env: { PROJECTION_BATCH_SIZE: '1', NOT_READY_WAIT_MS: '60000' },
    });
    checkpoints = new Checkpoints(app.app.get<ReadStore>(READ_STORE));
  }, 120_000);
  afterAll(async () => {
    await app.close();
    removeDataDir(app.dataDir);
  });

  it('R41: a mutation answers before the audit log has caught up, and the next audit query shows it', async () => {
    const ann = await app.token(people.ann);
    const rebuilt = app.app.get<Projector>(PROJECTOR).rebuild(['audit'], { inPlace: true });

    const invited = await request(app.url)
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${ann}`)
      .set('x-request-id', 'rywa-1')
      .send({ query: INVITE });
    expect(invited.body.errors).toBeUndefined();
    expect(invited.body.data.requestResellerRelationship.status).toBe('PENDING');
    const position = Number(invited.headers['consistency-token']);
    expect(checkpoints.get('invitations')!.position).toBeGreaterThanOrEqual(position);
    // Answered while the audit log was still being rebuilt, far behind the invitation.
    expect(checkpoints.get('audit')).toMatchObject({ state: 'REBUILDING' });
    expect(checkpoints.get('audit')!.position).toBeLessThan(position);

    // The same caller's next query reads the audit log: it waits until that shows the invitation.
    const audit = await app.gql(ann, AUDIT);
    expect(audit.errors).toBeUndefined();
    expect(audit.data.auditLog.nodes[0]).toEqual({
      type: 'InvitationCreated',
      correlationId: 'rywa-1',
    });
    await rebuilt;
  }, 120_000);
});
