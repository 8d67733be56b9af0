import { randomUUID } from 'node:crypto';
import { ASSIGNMENTS_HELD_AT_MOST } from '../../src/gdap/domain/assignment-decisions';
import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { appForSuite, describeOnBothStores } from '../support/app';
import { people } from '../support/tenants';

const { USER_ADMINISTRATOR } = DIRECTORY_ROLES;
const CREATE = `mutation ($input: CreateDelegatedAdminRelationshipInput!) { createDelegatedAdminRelationship(input: $input) { id } }`;
const REQUEST = `mutation ($id: ID!) { requestDelegatedAdminRelationshipApproval(input: { relationshipId: $id }) { id } }`;
const APPROVE = `mutation ($id: ID!) { approveDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const ASSIGN = `mutation ($input: CreateDelegatedAdminAccessAssignmentInput!) { createDelegatedAdminAccessAssignment(input: $input) { id } }`;
const GDAP_STREAM = 'gdap-contoso-partners';

/**
 * R66's bound on the assignments a relationship holds at once is decided on the partner's GDAP
 * stream, where every assignment of the relationship is recorded: another instance's assignment
 * appended between this one's decision and its append moves the stream's revision, so the append
 * fails, and the command, decided again on the stream as it now stands, is refused.
 */
describeOnBothStores('R66: the assignment bound under a concurrent assignment', (onEsdb) => {
  const app = appForSuite({
    onEsdbDouble: onEsdb,
    env: { GDAP_SCHEDULER_MAX_SLEEP_MS: '86400000', RATE_LIMIT_PER_MINUTE: '0' },
  });
  let store: EventStore;
  let ann: string;
  let relationshipId: string;

  beforeAll(async () => {
    store = app.app.get<EventStore>(EVENT_STORE);
    ann = await app.token(people.ann);
    const fay = await app.token(people.fay);
    const created = await app.gql(ann, CREATE, {
      input: {
        customerTenantId: 'fabrikam',
        displayName: 'Fabrikam many groups',
        duration: 'P90D',
        roles: [USER_ADMINISTRATOR],
      },
    });
    relationshipId = created.data.createDelegatedAdminRelationship.id;
    await app.gql(ann, REQUEST, { id: relationshipId });
    expect((await app.gql(fay, APPROVE, { id: relationshipId })).errors).toBeUndefined();
  });

  const assign = (securityGroupId: string) =>
    app.gql(ann, ASSIGN, {
      input: {
        relationshipId,
        securityGroupId,
        roleTemplateIds: [USER_ADMINISTRATOR.roleTemplateId],
      },
    });

  it(`R66: with ${ASSIGNMENTS_HELD_AT_MOST - 1} held, a rival's assignment appended first takes the last place; this one is refused, not recorded`, async () => {
    for (let n = 0; n < ASSIGNMENTS_HELD_AT_MOST - 1; n++) {
      expect((await assign(`group-${n}`)).errors).toBeUndefined();
    }
    const append = store.append.bind(store);
    let raced = false;
    // Another instance decided the same on the same facts, and its append lands first (the
    // scheduler's activations on the same stream pass through as they come).
    store.append = async (streamId, events, expected) => {
      const assigning = events.some(
        (event) => event.type === 'DelegatedAdminAccessAssignmentCreated',
      );
      if (!raced && streamId === GDAP_STREAM && assigning) {
        raced = true;
        const rival = events.map((event) => ({
          ...event,
          id: randomUUID(),
          data: { ...(event.data as object), assignmentId: randomUUID(), securityGroupId: 'rival' },
        }));
        await append(streamId, rival, 'any');
      }
      return append(streamId, events, expected);
    };
    try {
      const answer = await assign('late');
      expect(raced).toBe(true);
      expect(answer.errors?.[0].extensions).toMatchObject({
        code: 'PRECONDITION_FAILED',
        rule: 'R66',
      });
    } finally {
      store.append = append;
    }
    const groups = (await store.readStream(GDAP_STREAM))
      .filter((event) => event.type === 'DelegatedAdminAccessAssignmentCreated')
      .map((event) => (event.data as { securityGroupId: string }).securityGroupId);
    expect(groups).toHaveLength(ASSIGNMENTS_HELD_AT_MOST);
    expect(groups).toContain('rival');
    expect(groups).not.toContain('late');
  }, 60_000);
});
