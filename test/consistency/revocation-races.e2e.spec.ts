import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
} from '../../src/platform/event-store/event-store';
import { appForSuite, describeOnBothStores } from '../support/app';
import { type Answer, revokeBeforeFirstAppendTo } from '../support/revoke-before-append';
import { people } from '../support/tenants';
import { randomUUID } from 'node:crypto';
import { relationshipDecider } from '../../src/invitations/domain/relationship.decider';
import { AggregateStore } from '../../src/platform/write/aggregate-store';
import { partnerUser } from '../support/given';

const REQUEST = `mutation { requestResellerRelationship(input: { customerDomain: "fabrikam.onmicrosoft.com" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { customerTenantId } }`;
const OPEN_SR = `mutation ($n: String!) { openServiceRequest(input: { customerTenantId: "fabrikam", title: $n, description: "Reset a password" }) { id } }`;
const REMOVE = `mutation { removeDelegatedAdminPrivileges(partnerTenantId: "contoso-partners", confirm: true) { delegatedAdmin { status } } }`;
const PROVISION = `mutation ($n: String!) { provisionAzureSubscription(input: { customerTenantId: "fabrikam", displayName: $n }) { id } }`;
const CANCEL = `mutation ($id: ID!) { cancelAzureSubscription(subscriptionId: $id) { id } }`;
const END = `mutation { endResellerRelationship(customerTenantId: "fabrikam") { tenantId } }`;

const PAIR = 'contoso-partners_fabrikam';
const ROUNDS = 6;
const PARTNER_REQUESTS = 24;

const codeOf = (answer: Answer) => answer.errors?.[0].extensions;

describeOnBothStores('revocations racing the partner’s traffic', (onEsdb) => {
  const app = appForSuite({ onEsdbDouble: onEsdb });
  let store: EventStore;
  let ann: string;
  let hal: string;
  let fay: string;

  beforeAll(async () => {
    store = app.app.get<EventStore>(EVENT_STORE);
    [ann, hal, fay] = await Promise.all([people.ann, people.hal, people.fay].map(app.token));
  });

  const accept = async () => {
    const id = (await app.gql(ann, REQUEST)).data.requestResellerRelationship.id;
    const accepted = await app.gql(fay, ACCEPT, { id });
    expect(accepted.errors).toBeUndefined();
  };
  const stream = (streamId: string) => store.readStream(streamId);
  const last = (events: RecordedEvent[], type: string) =>
    events.filter((event) => event.type === type).at(-1);

  it(`R12, R13: over ${ROUNDS} rounds of ${PARTNER_REQUESTS} service requests against one removal, the removal succeeds at once and nothing the partner opens lands after it`, async () => {
    await accept();
    for (let round = 0; round < ROUNDS; round++) {
      const before = (await stream(`servicerequests-${PAIR}`)).length;
      const requests = Array.from({ length: PARTNER_REQUESTS }, (_, n) =>
        app.gql(n % 2 ? ann : hal, OPEN_SR, { n: `round ${round} request ${n}` }),
      );
      // The removal starts amid the partner's requests.
      const removal = new Promise<Answer>((resolve) =>
        setTimeout(() => resolve(app.gql(fay, REMOVE)), round % 3),
      );
      const answers = await Promise.all(requests);
      const removed = await removal;
      expect(removed.errors).toBeUndefined();
      for (const answer of answers) {
        // Refused behind the removal, or (partner against partner on one stream) after retries.
        if (answer.errors)
          expect([{ code: 'FORBIDDEN', rule: 'R13' }, { code: 'CONFLICT' }]).toContainEqual(
            codeOf(answer),
          );
      }

      const removedAt = last(await stream(`dapgrant-${PAIR}`), 'DelegatedAdminRemoved');
      const opened = (await stream(`servicerequests-${PAIR}`))
        .slice(before)
        .filter((event) => event.type === 'ServiceRequestOpened');
      expect(opened).toHaveLength(answers.filter((answer) => !answer.errors).length);
      for (const event of opened) expect(event.position).toBeLessThan(removedAt!.position);
      // R8: the customer renegotiates DAP for the next round.
      await accept();
    }
  }, 60_000);

  it(`R9, R22, R13: over ${ROUNDS} rounds, provisioning and service requests against the relationship's end: nothing the partner does lands after the end`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      await accept();
      const provisions = Array.from({ length: 4 }, (_, n) =>
        app.gql(ann, PROVISION, { n: `Round ${round} sub ${n}` }),
      );
      const requests = Array.from({ length: PARTNER_REQUESTS }, (_, n) =>
        app.gql(hal, OPEN_SR, { n: `round ${round} request ${n}` }),
      );
      const end = app.gql(ann, END);
      const [ended, ...rest] = await Promise.all([end, ...provisions, ...requests]);
      const provisioned = rest.slice(0, provisions.length);

      const relationship = await stream(`relationship-${PAIR}`);
      const endedAt = last(relationship, 'RelationshipEnded');
      if (ended.errors) {
        // R9: the end lost to a subscription provisioned first; cancel them and end again.
        expect(codeOf(ended)).toMatchObject({ code: 'PRECONDITION_FAILED', rule: 'R9' });
        for (const answer of provisioned) {
          const id = (answer as { data?: { provisionAzureSubscription?: { id: string } } }).data
            ?.provisionAzureSubscription?.id;
          if (id) expect((await app.gql(ann, CANCEL, { id })).errors).toBeUndefined();
        }
        expect((await app.gql(ann, END)).errors).toBeUndefined();
      } else {
        expect(endedAt).toBeDefined();
        // R9: had one been provisioned, the end would have been refused.
        for (const answer of provisioned) {
          expect(codeOf(answer)).toMatchObject({ code: 'PRECONDITION_FAILED', rule: 'R22' });
        }
      }
      const finalEnd = last(await stream(`relationship-${PAIR}`), 'RelationshipEnded')!;
      const afterEnd = (await stream(`relationship-${PAIR}`)).filter(
        (event) => event.position > finalEnd.position,
      );
      expect(afterEnd).toEqual([]);
      const lateRequests = (await stream(`servicerequests-${PAIR}`)).filter(
        (event) => event.type === 'ServiceRequestOpened' && event.position > finalEnd.position,
      );
      expect(lateRequests).toEqual([]);
      for (const answer of rest.slice(provisions.length)) {
        if (answer.errors)
          expect([
            { code: 'FORBIDDEN', rule: 'R7' },
            { code: 'FORBIDDEN', rule: 'R13' },
            { code: 'CONFLICT' },
          ]).toContainEqual(codeOf(answer));
      }
      // R9: ending took DAP with it.
      const dap = last(await stream(`dapgrant-${PAIR}`), 'DelegatedAdminRemoved');
      expect(dap?.position).toBeGreaterThan(finalEnd.position);
    }
  }, 60_000);

  it('R13: a service request decided on "DAP active" whose append comes after the removal is refused, not recorded', async () => {
    await accept();
    const hook = revokeBeforeFirstAppendTo(store, 'servicerequests', () => app.gql(fay, REMOVE));
    try {
      const answer = await app.gql(ann, OPEN_SR, { n: 'decided before the removal' });
      expect(hook.revoked.answer?.errors).toBeUndefined();
      expect(codeOf(answer)).toEqual({ code: 'FORBIDDEN', rule: 'R13' });
    } finally {
      hook.restore();
    }
    const removedAt = last(await stream(`dapgrant-${PAIR}`), 'DelegatedAdminRemoved')!;
    const late = (await stream(`servicerequests-${PAIR}`)).filter(
      (event) => event.type === 'ServiceRequestOpened' && event.position > removedAt.position,
    );
    expect(late).toEqual([]);
  });

  it('R9, R22: a provisioning decided on "relationship active" whose append comes after the end is refused', async () => {
    await accept();
    const hook = revokeBeforeFirstAppendTo(store, 'relationship', () => app.gql(ann, END));
    try {
      const answer = await app.gql(ann, PROVISION, { n: 'decided before the end' });
      expect(hook.revoked.answer?.errors).toBeUndefined();
      expect(codeOf(answer)).toMatchObject({ code: 'PRECONDITION_FAILED', rule: 'R22' });
    } finally {
      hook.restore();
    }
    const relationship = await stream(`relationship-${PAIR}`);
    expect(relationship.at(-1)?.type).toBe('RelationshipEnded');
  });

  it('R9, R22: a provisioning that linked its id before the end but stops longer than the end waits before writing its subscription is refused; the id is closed, and the end goes through', async () => {
    await accept();
    const hook = revokeBeforeFirstAppendTo(store, 'subscription', () => app.gql(ann, END));
    let answer: Answer;
    try {
      answer = await app.gql(ann, PROVISION, { n: 'linked before the end' });
    } finally {
      hook.restore();
    }
    expect(hook.revoked.answer?.errors).toBeUndefined();
    expect(codeOf(answer)).toMatchObject({ code: 'PRECONDITION_FAILED', rule: 'R22' });
    const relationship = await stream(`relationship-${PAIR}`);
    const linked = last(relationship, 'AzureSubscriptionLinked')!;
    expect(relationship.at(-1)?.type).toBe('RelationshipEnded');
    const { subscriptionId } = linked.data as { subscriptionId: string };
    expect((await stream(`subscription-${subscriptionId}`)).map((event) => event.type)).toEqual([
      'AzureSubscriptionProvisioningVoided',
    ]);
  });

  it('R50, R9: an end that a provisioning beats to the relationship stream is refused and has written nothing, no start and no fence', async () => {
    await accept();
    const before = await stream(`relationship-${PAIR}`);
    const hook = revokeBeforeFirstAppendTo(store, 'relationship', () =>
      app.gql(ann, PROVISION, { n: 'provisioned while the end was deciding' }),
    );
    let ended: Answer;
    try {
      ended = await app.gql(ann, END);
    } finally {
      hook.restore();
    }
    expect(hook.revoked.answer?.errors).toBeUndefined();
    expect(codeOf(ended)).toMatchObject({ code: 'PRECONDITION_FAILED', rule: 'R9' });
    const relationship = await stream(`relationship-${PAIR}`);
    expect(relationship.slice(before.length).map((event) => event.type)).toEqual([
      'AzureSubscriptionLinked',
    ]);
    const since = before.at(-1)!.position;
    for (const fenced of [`servicerequests-${PAIR}`, 'autopilot-fabrikam']) {
      const written = (await stream(fenced)).filter((event) => event.position > since);
      expect(written.map((event) => event.type)).not.toContain('PartnerAccessRevocationStarted');
    }
    const id = hook.revoked.answer?.data.provisionAzureSubscription.id;
    expect((await app.gql(ann, CANCEL, { id })).errors).toBeUndefined();
    expect((await app.gql(ann, END)).errors).toBeUndefined();
  });

  it('R50, R9: an end that finds a provisioning under way waits for its subscription and, refused for it, has written nothing', async () => {
    await accept();
    const before = (await stream(`relationship-${PAIR}`)).at(-1)!.position;
    const append = store.append.bind(store);
    let ended: Promise<Answer> | undefined;
    store.append = async (streamId, events, expected) => {
      if (!ended && streamId.startsWith('subscription-')) {
        ended = app.gql(ann, END); // the link is written, the subscription not yet
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return append(streamId, events, expected);
    };
    let provisioned: Answer;
    try {
      provisioned = await app.gql(ann, PROVISION, { n: 'under way when the end came' });
      expect(codeOf(await ended!)).toMatchObject({ code: 'PRECONDITION_FAILED', rule: 'R9' });
    } finally {
      store.append = append;
    }
    expect(provisioned.errors).toBeUndefined();
    const id = provisioned.data.provisionAzureSubscription.id;
    expect((await stream(`subscription-${id}`)).map((event) => event.type)).not.toContain(
      'AzureSubscriptionProvisioningVoided',
    );
    for (const written of [
      `relationship-${PAIR}`,
      `servicerequests-${PAIR}`,
      'autopilot-fabrikam',
    ]) {
      const since = (await stream(written)).filter((event) => event.position > before);
      expect(since.map((event) => event.type)).not.toContain('RelationshipEndStarted');
      expect(since.map((event) => event.type)).not.toContain('PartnerAccessRevocationStarted');
    }
    expect((await app.gql(ann, CANCEL, { id })).errors).toBeUndefined();
    expect((await app.gql(ann, END)).errors).toBeUndefined();
  });

  it('R50, R9: an end waiting on a provisioning that stopped, which a new provisioning beats, is refused and has closed nothing', async () => {
    await accept();
    // A provisioning that linked its id and stopped there (a crash): no subscription follows.
    const stuck = randomUUID();
    await app.app.get(AggregateStore).decide(
      `relationship-${PAIR}`,
      relationshipDecider,
      {
        type: 'LinkAzureSubscription',
        actor: partnerUser(['AdminAgent'], { tenantId: 'contoso-partners' }),
        partnerTenantId: 'contoso-partners',
        customerTenantId: 'fabrikam',
        subscriptionId: stuck,
      },
      {
        actor: partnerUser(['AdminAgent'], { tenantId: 'contoso-partners' }),
        correlationId: randomUUID(),
      },
    );
    const ending = app.gql(ann, END); // waits for the stopped provisioning, which never comes
    await new Promise((resolve) => setTimeout(resolve, 300));
    const provisioned = await app.gql(ann, PROVISION, { n: 'provisioned while the end waited' });
    expect(provisioned.errors).toBeUndefined();

    expect(codeOf(await ending)).toMatchObject({ code: 'PRECONDITION_FAILED', rule: 'R9' });
    expect(await stream(`subscription-${stuck}`)).toEqual([]);
    const id = provisioned.data.provisionAzureSubscription.id;
    expect((await app.gql(ann, CANCEL, { id })).errors).toBeUndefined();
    expect((await app.gql(ann, END)).errors).toBeUndefined();
    expect((await stream(`subscription-${stuck}`)).map((event) => event.type)).toEqual([
      'AzureSubscriptionProvisioningVoided',
    ]);
  });

  it('R9, R13: a service request decided before the relationship ended is refused when it comes to append', async () => {
    await accept();
    const hook = revokeBeforeFirstAppendTo(store, 'servicerequests', () => app.gql(ann, END));
    try {
      const answer = await app.gql(hal, OPEN_SR, { n: 'decided before the end' });
      expect(hook.revoked.answer?.errors).toBeUndefined();
      expect(codeOf(answer)).toEqual({ code: 'FORBIDDEN', rule: 'R7' });
    } finally {
      hook.restore();
    }
  });
});
