import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { removeDataDir, startApp, type TestApp } from '../support/app';
import { people } from '../support/tenants';

const REQUEST = `mutation { requestResellerRelationship(input: { customerDomain: "fabrikam.onmicrosoft.com" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { customerTenantId delegatedAdmin { status } } }`;
const INVITATION = `query ($id: ID!) { invitation(id: $id) { status } }`;
const PARTNERS = `{ partnerRelationships { partnerTenantId delegatedAdmin { status } } }`;

describe('accepting an invitation records nothing it does not keep (R6, R7, R50)', () => {
  let app: TestApp;
  let store: EventStore;
  beforeEach(async () => {
    app = await startApp();
    store = app.app.get<EventStore>(EVENT_STORE);
  });
  afterEach(async () => {
    await app.close();
    removeDataDir(app.dataDir);
  });

  it('R6, R50: an acceptance refused by a rule leaves the invitation pending, to be accepted later', async () => {
    const ann = await app.token(people.ann);
    const id = (await app.gql(ann, REQUEST)).data.requestResellerRelationship.id;
    const refused = await app.gql(await app.token(people.fred), ACCEPT, { id });
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'R5' });
    expect((await app.gql(ann, INVITATION, { id })).data.invitation.status).toBe('PENDING');
    expect((await app.gql(await app.token(people.fay), ACCEPT, { id })).errors).toBeUndefined();
  });

  it('R7, R10: an acceptance whose relationship fails to append answers recorded, and the relationship and DAP still follow', async () => {
    const ann = await app.token(people.ann);
    const fay = await app.token(people.fay);
    const id = (await app.gql(ann, REQUEST)).data.requestResellerRelationship.id;
    const append = store.append.bind(store);
    let failed = false;
    store.append = (streamId, events, expected) => {
      if (!failed && streamId.startsWith('relationship-')) {
        failed = true;
        return Promise.reject(new Error('disk I/O error'));
      }
      return append(streamId, events, expected);
    };

    const answer = await app.gql(fay, ACCEPT, { id });
    expect(failed).toBe(true);
    if (answer.errors) {
      expect(answer.errors[0].extensions).toMatchObject({ code: 'NOT_READY', recorded: true });
    }
    expect((await app.gql(ann, INVITATION, { id })).data.invitation.status).toBe('ACCEPTED');
    for (let attempt = 0; attempt < 50; attempt++) {
      const partners = (await app.gql(fay, PARTNERS)).data.partnerRelationships;
      if (partners[0]?.delegatedAdmin.status === 'ACTIVE') return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the relationship and its DAP never appeared');
  });
});
