import { type Client, createClient } from 'graphql-ws';
import request from 'supertest';
import WebSocket from 'ws';
import { closeInstances, startApp, type TestApp } from '../support/app';
import { EsdbDouble } from '../support/esdb-double/esdb-double';
import { customerAdmin, people } from '../support/tenants';

const APPENDED = `subscription { auditAppended { type position } }`;
const REQUEST_WITH_DAP = `mutation { requestResellerRelationship(input: { includeDelegatedAdmin: true }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { customerTenantId } }`;

interface Entry {
  type: string;
  position: number;
}

describe('graphql-ws subscriptions on three instances on one EventStoreDB (the gRPC double)', () => {
  let double: EsdbDouble;
  const instances: TestApp[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    double = await EsdbDouble.start({ batchAppend: true });
    for (let index = 0; index < 3; index++)
      instances.push(await startApp({ env: { EVENTSTORE_URL: double.url } }));
  }, 120_000);
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await closeInstances(instances);
    await double.stop();
  });

  function subscribe(app: TestApp, token: string) {
    const client = createClient({
      url: `${app.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    clients.push(client);
    const received: Entry[] = [];
    const errors: unknown[] = [];
    client.subscribe(
      { query: APPENDED },
      {
        next: (value) => {
          if (value.errors) errors.push(...value.errors);
          else received.push((value.data as { auditAppended: Entry }).auditAppended);
        },
        error: (error) => errors.push(error),
        complete: () => undefined,
      },
    );
    return { received, errors };
  }

  it('R42: each instance delivers the same entries in position order, whichever instance recorded them', async () => {
    const [first, second, third] = instances;
    const ann = await first.token(people.ann);
    // The Operator sees every entry (R42); the other views are subsets of the same order.
    const opal = await first.token(people.opal);
    const views = [subscribe(second, opal), subscribe(third, opal)];
    await new Promise((resolve) => setTimeout(resolve, 300)); // the subscriptions are open

    // Acceptances through all three instances at once, so their events interleave in the log.
    let last = 0;
    await Promise.all(
      [0, 1, 2, 3, 4, 5, 6, 7, 8].map(async (index) => {
        const through = instances[index % 3];
        const requested = await through.gql(ann, REQUEST_WITH_DAP);
        const accepted = await request(through.url)
          .post('/graphql')
          .set('authorization', `Bearer ${await through.token(customerAdmin(index))}`)
          .send({
            query: ACCEPT,
            variables: { id: requested.data.requestResellerRelationship.id },
          });
        expect(accepted.body.errors).toBeUndefined();
        last = Math.max(last, Number(accepted.headers['consistency-token']));
      }),
    );
    for (const view of views) {
      for (const until = Date.now() + 10_000; !view.received.some((e) => e.position >= last);) {
        if (Date.now() > until)
          throw new Error(`position ${last} never reached a subscriber: ${JSON.stringify(view)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const view of views) {
      expect(view.errors).toEqual([]);
      const positions = view.received.map((entry) => entry.position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(new Set(positions).size).toBe(positions.length);
    }
    expect(views[0].received).toEqual(views[1].received);
    // Every acceptance is among them, with its follow-ups.
    const types = views[0].received.map((entry) => entry.type);
    for (const type of ['InvitationAccepted', 'RelationshipEstablished', 'DelegatedAdminGranted'])
      expect(types.filter((candidate) => candidate === type)).toHaveLength(9);
    expect(views[0].received.map((entry) => entry.position)).toContain(last);
  }, 120_000);
});
