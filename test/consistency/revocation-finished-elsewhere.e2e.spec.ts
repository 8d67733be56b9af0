import { loadSettings } from '../../src/platform/config/settings';
import { randomUUID } from 'node:crypto';
import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { appForSuite, describeOnBothStores } from '../support/app';
import { people } from '../support/tenants';
import { setTimeout as sleep } from 'node:timers/promises';
import { fencedStreamsOf } from '../../src/capabilities';
import { relationshipDecider } from '../../src/invitations/domain/relationship.decider';
import { systemClock } from '../../src/platform/config/clock';
import { streamIds } from '../../src/platform/domain/streams';
import { AggregateStore } from '../../src/platform/write/aggregate-store';
import { Revocations } from '../../src/platform/write/revocations';
import { eventually } from '../support/eventually';
import { partnerUser } from '../support/given';

const REQUEST = `mutation { requestResellerRelationship(input: { customerTenantId: "fabrikam", includeDelegatedAdmin: true }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { customerTenantId } }`;
const REMOVE = `mutation { removeDelegatedAdminPrivileges(partnerTenantId: "contoso-partners", confirm: true) { delegatedAdmin { status } } }`;
const END = `mutation { endResellerRelationship(customerTenantId: "fabrikam") { relationshipActive } }`;

const FOLLOW_UPS = `{ followUpStatus { lag } }`;

const PARTNER = 'contoso-partners';
const CUSTOMER = 'fabrikam';

/**
 * Several instances on one store: the instance holding the policies' lease sees a revocation's
 * fences in `$all` as soon as they are appended and may finish the revocation itself, for the same
 * request, before the instance that took the request appends it. That instance's append then
 * conflicts and, decided again, finds nothing left to revoke: its request was done all the same,
 * and it answers so (R12, R9), not with a refusal for a change that was recorded.
 */
describeOnBothStores('a revocation another instance finished for the same request', (onEsdb) => {
  const app = appForSuite({ onEsdbDouble: onEsdb });

  /**
   * Runs `request`; just before its `type` event appends, "another instance" appends it first: its
   * reactor, resuming from the request's fence in the pair's service-request stream, names that
   * fence as the cause (`fromFence`), or not (an event of another request with the same id).
   */
  async function finishedElsewhere(
    type: string,
    request: () => Promise<unknown>,
    fromFence = true,
  ) {
    const store = app.app.get<EventStore>(EVENT_STORE);
    const append = store.append.bind(store);
    let raced = false;
    store.append = async (streamId, events, expected) => {
      const [event] = events;
      if (!raced && event?.type === type) {
        raced = true;
        const requests = `servicerequests-${PARTNER}_${CUSTOMER}`;
        const [fence] = await store.readStream(requests, { direction: 'backwards', maxCount: 1 });
        const causationId = fromFence ? fence.id : randomUUID();
        const metadata = { ...event.metadata, causationId };
        await append(streamId, [{ ...event, id: randomUUID(), metadata }], expected);
      }
      return append(streamId, events, expected);
    };
    try {
      const answer = await request();
      expect(raced).toBe(true);
      return answer;
    } finally {
      store.append = append;
    }
  }

  it('R12: the customer’s DAP removal, finished first by another instance, answers with DAP removed', async () => {
    const [ann, fay] = await Promise.all([people.ann, people.fay].map(app.token));
    await app.gql(fay, ACCEPT, {
      id: (await app.gql(ann, REQUEST)).data.requestResellerRelationship.id,
    });

    const answer = await finishedElsewhere('DelegatedAdminRemoved', () => app.gql(fay, REMOVE));
    expect(answer).toMatchObject({
      data: { removeDelegatedAdminPrivileges: { delegatedAdmin: { status: 'REMOVED' } } },
    });
    const dap = await app.app
      .get<EventStore>(EVENT_STORE)
      .readStream(`dapgrant-${PARTNER}_${CUSTOMER}`);
    expect(dap.filter((event) => event.type === 'DelegatedAdminRemoved')).toHaveLength(1);
  });

  it('R9: the partner’s end of the relationship, finished first by another instance, answers with the relationship ended', async () => {
    const [ann, fay] = await Promise.all([people.ann, people.fay].map(app.token));
    await app.gql(fay, ACCEPT, {
      id: (await app.gql(ann, REQUEST)).data.requestResellerRelationship.id,
    });

    const answer = await finishedElsewhere('RelationshipEnded', () => app.gql(ann, END));
    expect(answer).toMatchObject({
      data: { endResellerRelationship: { relationshipActive: false } },
    });
  });

  it('R12: a DAP removal refused because another request with the same request id removed DAP first is refused, not answered as its own', async () => {
    const [ann, fay] = await Promise.all([people.ann, people.fay].map(app.token));
    await app.gql(fay, ACCEPT, {
      id: (await app.gql(ann, REQUEST)).data.requestResellerRelationship.id,
    });

    const answer = await finishedElsewhere(
      'DelegatedAdminRemoved',
      () => app.gql(fay, REMOVE),
      false,
    );
    expect(answer).toMatchObject({
      errors: [{ extensions: { code: 'PRECONDITION_FAILED', rule: 'R12' } }],
    });
  });

  it('R9, R50: the lease holder leaves an end another instance began a moment ago to that instance, and fences nothing itself', async () => {
    const [ann, fay] = await Promise.all([people.ann, people.fay].map(app.token));
    await app.gql(fay, ACCEPT, {
      id: (await app.gql(ann, REQUEST)).data.requestResellerRelationship.id,
    });
    const store = app.app.get<EventStore>(EVENT_STORE);
    // Another instance's write side on the same store: what it runs is not this process's own.
    const elsewhere = new AggregateStore(store, systemClock);
    const relationship = streamIds.relationship(PARTNER, CUSTOMER);
    const context = {
      actor: partnerUser(['AdminAgent'], { tenantId: PARTNER }),
      correlationId: randomUUID(),
    };
    const end = (atRevision: number) => ({
      type: 'EndResellerRelationship' as const,
      actor: context.actor,
      partnerTenantId: PARTNER,
      customerTenantId: CUSTOMER,
      activeProvisionedSubscriptionIds: [],
      atRevision,
    });
    const startedAt =
      Number((await elsewhere.load(relationship, relationshipDecider)).revision) + 1;
    const [start] = (
      await elsewhere.decide(relationship, relationshipDecider, end(startedAt - 1), context)
    ).eventIds;
    await sleep(500); // this instance's reactor has read the start by now
    await new Revocations(elsewhere, fencedStreamsOf, store, loadSettings(), systemClock).revoke({
      streamId: relationship,
      decider: relationshipDecider,
      command: end(startedAt),
      revoking: 'RELATIONSHIP',
      pair: { partnerTenantId: PARTNER, customerTenantId: CUSTOMER },
      context,
      resumeAtRevision: startedAt,
    });

    const opal = await app.token(people.opal);
    // Caught up: the reactor has decided on the start and the fences (after waiting for a stall).
    await eventually(async () => (await app.gql(opal, FOLLOW_UPS)).data.followUpStatus.lag === 0);
    const [ended] = await store.readStream(relationship, { direction: 'backwards', maxCount: 1 });
    expect(ended.type).toBe('RelationshipEnded');
    expect(ended.metadata.causationId).not.toBe(start);
    const fences = (await store.readStream(`servicerequests-${PARTNER}_${CUSTOMER}`)).filter(
      (event) => event.metadata.correlationId === context.correlationId,
    );
    expect(fences.map((event) => event.metadata.causationId)).toEqual([context.correlationId]);
  });
});
