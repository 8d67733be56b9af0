import { nextDueAt } from '../../src/gdap/domain/due-transitions';
import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import { GdapScheduler } from '../../src/gdap/gdap-scheduler';
import { AggregateStore } from '../../src/platform/write/aggregate-store';
import { appForSuite, type TestApp } from '../support/app';
import { people } from '../support/tenants';

jest.mock('../../src/gdap/domain/due-transitions', () => {
  const actual = jest.requireActual('../../src/gdap/domain/due-transitions');
  return { ...actual, nextDueAt: jest.fn(actual.nextDueAt) };
});

const CREATE = `mutation ($input: CreateDelegatedAdminRelationshipInput!) { createDelegatedAdminRelationship(input: $input) { id } }`;
const REQUEST = `mutation ($id: ID!) { requestDelegatedAdminRelationshipApproval(input: { relationshipId: $id }) { id } }`;
const APPROVE = `mutation ($id: ID!) { approveDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const TERMINATE = `mutation ($id: ID!) { terminateDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;

/** A relationship of the caller's partner with Fabrikam, its approval requested; its id. */
async function pendingRelationship(app: TestApp, token: string, displayName: string) {
  const created = await app.gql(token, CREATE, {
    input: {
      customerTenantId: 'fabrikam',
      displayName,
      duration: 'P30D',
      roles: [{ roleTemplateId: DIRECTORY_ROLES.USER_ADMINISTRATOR.roleTemplateId }],
    },
  });
  const id: string = created.data.createDelegatedAdminRelationship.id;
  expect(await app.gql(token, REQUEST, { id })).not.toHaveProperty('errors');
  return id;
}

/**
 * R69: every GDAP command wakes a scheduler pass over every partner with scheduled work. What is
 * due depends on a partner's stream alone, so a pass looks through a partner's relationships
 * (nextDueAt) only when its stream has moved since the last look, not every relationship of every
 * partner at every command.
 */
describe('the GDAP scheduler looks again only at partners whose stream moved', () => {
  const app = appForSuite();
  let ann: string;
  let scheduler: GdapScheduler;
  const looks = nextDueAt as jest.MockedFunction<typeof nextDueAt>;

  const pending = (displayName: string) => pendingRelationship(app, ann, displayName);

  beforeAll(async () => {
    ann = await app.token(people.ann);
    scheduler = app.app.get(GdapScheduler);
    await scheduler.stop(); // this test runs the passes itself
  });

  it('R69: passes over an unchanged stream find its due time without looking through it', async () => {
    await pending('First');
    await pending('Second');
    await scheduler.runDue();
    looks.mockClear();

    await scheduler.runDue();
    await scheduler.runDue();
    expect(looks).not.toHaveBeenCalled();

    await pending('Third'); // the partner's stream moves
    await scheduler.runDue();
    await scheduler.runDue();
    expect(looks).toHaveBeenCalledTimes(1);
    expect(looks.mock.results[0].value).toEqual(expect.any(Date)); // the approval requests expire
  });

  it('R62, R69: a due time found once is still acted on when it comes', async () => {
    app.clock.advance(91 * 86_400_000); // past the approval requests' 90 days
    await scheduler.runDue();
    const recorded = await app.app.get<EventStore>(EVENT_STORE).readStream('gdap-contoso-partners');
    expect(
      recorded.filter((event) => event.type === 'DelegatedAdminRelationshipApprovalExpired'),
    ).toHaveLength(3);
  });
});

/**
 * R69: between its passes over every partner (at least every GDAP_SCHEDULER_MAX_SLEEP_MS), a pass
 * that a command wakes looks at the partners this process changed and those whose due time has
 * come, not at every partner with scheduled work.
 */
describe('a pass that a command wakes looks only at what changed or is due', () => {
  const app = appForSuite({ env: { GDAP_SCHEDULER_MAX_SLEEP_MS: '3600000' } });

  it('R64, R69: a termination is finished without loading another partner’s stream', async () => {
    const [ann, otto, fay] = await Promise.all(
      [people.ann, people.otto, people.fay].map((claims) => app.token(claims)),
    );
    await pendingRelationship(app, otto, 'Other partner’s, pending approval');
    const id = await pendingRelationship(app, ann, 'Contoso’s');
    expect(await app.gql(fay, APPROVE, { id })).not.toHaveProperty('errors');
    await app.app.get(GdapScheduler).runDue(); // both partners known, as after any full pass

    const loads = jest.spyOn(app.app.get(AggregateStore), 'load');
    expect(await app.gql(ann, TERMINATE, { id })).not.toHaveProperty('errors');
    const store = app.app.get<EventStore>(EVENT_STORE);
    const terminated = async () =>
      (await store.readStream('gdap-contoso-partners')).some(
        (event) => event.type === 'DelegatedAdminRelationshipTerminated',
      );
    for (let waited = 0; !(await terminated()) && waited < 5000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await terminated()).toBe(true);
    const streamsLoaded = new Set(loads.mock.calls.map(([streamId]) => streamId));
    expect(streamsLoaded).toContain('gdap-contoso-partners');
    expect(streamsLoaded).not.toContain('gdap-other-partners');
    loads.mockRestore();
  });
});

describe('the GDAP scheduler’s correlation ids', () => {
  const app = appForSuite();

  it('R69: two decisions the scheduler records in the same millisecond have their own correlation ids', async () => {
    const scheduler = app.app.get(GdapScheduler);
    await scheduler.stop(); // this test runs the pass itself
    const [ann, otto] = await Promise.all([people.ann, people.otto].map((c) => app.token(c)));
    await pendingRelationship(app, ann, 'Contoso’s');
    await pendingRelationship(app, otto, 'Other partner’s');
    app.clock.advance(91 * 86_400_000); // both approval requests expire in the same pass

    const millisecond = jest.spyOn(Date, 'now').mockReturnValue(Date.UTC(2026, 11, 3));
    try {
      await scheduler.runDue();
    } finally {
      millisecond.mockRestore();
    }
    const store = app.app.get<EventStore>(EVENT_STORE);
    const expiries = await Promise.all(
      ['gdap-contoso-partners', 'gdap-other-partners'].map(async (streamId) =>
        (await store.readStream(streamId)).find(
          (event) => event.type === 'DelegatedAdminRelationshipApprovalExpired',
        ),
      ),
    );
    const ids = expiries.map((event) => event?.metadata.correlationId);
    expect(ids).toEqual([expect.stringMatching(/^gdap-scheduler-/), expect.any(String)]);
    expect(new Set(ids).size).toBe(2);
  });
});
