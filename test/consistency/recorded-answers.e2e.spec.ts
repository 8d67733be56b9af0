import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { PROJECTOR, type Projector } from '../../src/platform/projection-engine/projector';
import { READ_STORE, type ReadStore } from '../../src/platform/read-store/read-store';
import { removeDataDir, startApp, type TestApp } from '../support/app';
import { people } from '../support/tenants';

const REQUEST = `mutation { requestResellerRelationship(input: { customerDomain: "fabrikam.onmicrosoft.com" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { customerTenantId } }`;
const REMOVE = `mutation { removeDelegatedAdminPrivileges(partnerTenantId: "contoso-partners", confirm: true) { delegatedAdmin { status } } }`;
const INVITATIONS = `{ invitations { id } }`;

describe('answers never lie about what was recorded (R50)', () => {
  let app: TestApp;
  let store: EventStore;

  beforeEach(async () => {
    app = await startApp({ env: { READ_YOUR_WRITES_TIMEOUT_MS: '300' } });
    store = app.app.get<EventStore>(EVENT_STORE);
  });
  afterEach(async () => {
    await app.close();
    removeDataDir(app.dataDir);
  });

  const failReadModel = (name: string) =>
    app.app
      .get<ReadStore>(READ_STORE)
      .run(`UPDATE projection_checkpoints SET state = 'FAILED', error = 'test' WHERE name = ?`, [
        name,
      ]);

  it('R50: a mutation recorded while the read model its answer reads has FAILED answers NOT_READY, recorded, with the position', async () => {
    const ann = await app.token(people.ann);
    const fay = await app.token(people.fay);
    const id = (await app.gql(ann, REQUEST)).data.requestResellerRelationship.id;
    expect((await app.gql(fay, ACCEPT, { id })).errors).toBeUndefined();
    failReadModel('customers');

    const answer = await app.gql(fay, REMOVE);
    const removal = (await store.readStream('dapgrant-contoso-partners_fabrikam')).at(-1);
    expect(removal?.type).toBe('DelegatedAdminRemoved');
    expect(answer.errors?.[0].extensions).toEqual({
      code: 'NOT_READY',
      recorded: true,
      position: removal?.position,
    });
    expect(answer.errors?.[0].message).toMatch(/recorded.*Do not repeat/);
  });

  it('R50: a query on a FAILED read model answers NOT_READY at once instead of a stale page', async () => {
    failReadModel('invitations');
    const answer = await app.gql(await app.token(people.ann), INVITATIONS);
    expect(answer.errors?.[0].extensions).toEqual({ code: 'NOT_READY' });
    expect(answer.errors?.[0].message).toMatch(/invitations read model stopped/);
  });

  it('R50: a mutation whose events do not show in time answers NOT_READY, recorded (never PRECONDITION_FAILED)', async () => {
    await app.app.get<Projector>(PROJECTOR).stop();
    const answer = await app.gql(await app.token(people.ann), REQUEST);
    const head = await store.headPosition();
    expect((await store.readAll({ after: 0, maxCount: 10 })).map((event) => event.type)).toEqual([
      'InvitationCreated',
    ]);
    expect(answer.errors?.[0].extensions).toEqual({
      code: 'NOT_READY',
      recorded: true,
      position: head,
    });
  });
});
