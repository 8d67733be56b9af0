import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { GdapScheduler } from '../../src/gdap/gdap-scheduler';
import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import { appForSuite } from '../support/app';
import { LogLines } from '../support/log-lines';
import { eventCount, stillAnswers } from '../support/security';
import { people } from '../support/tenants';

const DAY = 86_400_000;
const { USER_ADMINISTRATOR } = DIRECTORY_ROLES;
const CREATE = `mutation ($input: CreateDelegatedAdminRelationshipInput!) { createDelegatedAdminRelationship(input: $input) { id status } }`;
const UPDATE = `mutation ($input: UpdateDelegatedAdminRelationshipInput!) { updateDelegatedAdminRelationship(input: $input) { id } }`;
const REQUEST = `mutation ($id: ID!) { requestDelegatedAdminRelationshipApproval(input: { relationshipId: $id }) { id } }`;
const APPROVE = `mutation ($id: ID!) { approveDelegatedAdminRelationship(input: { relationshipId: $id }) { id endDateTime } }`;
const TERMINATE = `mutation ($id: ID!) { terminateDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const ASSIGN = `mutation ($input: CreateDelegatedAdminAccessAssignmentInput!) { createDelegatedAdminAccessAssignment(input: $input) { id } }`;
const UNASSIGN = `mutation ($input: DeleteDelegatedAdminAccessAssignmentInput!) { deleteDelegatedAdminAccessAssignment(input: $input) { id } }`;
const ONE = `query ($id: ID!) { delegatedAdminRelationship(id: $id) { id } }`;
const LIST = `{ delegatedAdminRelationships { nodes { id status } } }`;
const EXPIRING = `{ expiringDelegatedAdminRelationships { within30Days { id } } }`;

const MISSING = '00000000-0000-4000-8000-000000000000@contoso-partners';
const LONG = 'x'.repeat(100_000);

/**
 * Hostile input to every GDAP operation (sizes, ids, durations, role ids): a stable
 * `extensions.code`, a message that does not echo it unbounded, nothing appended, the server
 * still answering; refusals logged below error level.
 */
describe('GDAP: hostile input is refused with a stable code and changes nothing', () => {
  const logs = new LogLines();
  const app = appForSuite({
    env: { LOG_LEVEL: 'info', GDAP_SCHEDULER_MAX_SLEEP_MS: '86400000' },
    logDestination: logs,
  });
  let ann: string;
  let fay: string;
  let relationshipId: string;

  beforeAll(async () => {
    ann = await app.token(people.ann);
    fay = await app.token(people.fay);
    const created = await app.gql(ann, CREATE, {
      input: {
        customerTenantId: 'fabrikam',
        displayName: 'Fabrikam hostile',
        duration: 'P90D',
        roles: [USER_ADMINISTRATOR],
      },
    });
    relationshipId = created.data.createDelegatedAdminRelationship.id;
  });

  async function refused(token: string, query: string, variables: Record<string, unknown>) {
    const before = eventCount(app);
    const answer = await app.gql(token, query, variables);
    expect(eventCount(app)).toBe(before);
    expect(answer.errors).toHaveLength(1);
    const [error] = answer.errors!;
    expect(error.message.length).toBeLessThan(400);
    return `${error.extensions?.code} ${error.extensions?.rule ?? '-'}`;
  }
  const input = (overrides: Record<string, unknown>) => ({
    input: {
      customerTenantId: 'fabrikam',
      displayName: 'Fabrikam other',
      duration: 'P90D',
      roles: [USER_ADMINISTRATOR],
      ...overrides,
    },
  });

  it.each([
    ['a duration past the calendar', { duration: 'P999999999Y' }, 'INVALID_INPUT R60'],
    ['a duration of 100,000 digits', { duration: `P${'9'.repeat(100_000)}D` }, 'INVALID_INPUT R60'],
    ['a half-ISO duration', { duration: 'P1D P1D' }, 'INVALID_INPUT R60'],
    ['a negative duration', { duration: '-P1D' }, 'INVALID_INPUT R60'],
    ['a 100,000-character name', { displayName: LONG }, 'INVALID_INPUT R60'],
    ['a name with a newline', { displayName: 'Fabrikam\nBcc: all' }, 'INVALID_INPUT R60'],
    ['a name reversing its text', { displayName: 'Fabrikam \u202e' }, 'INVALID_INPUT R60'],
    ['a 100,000-character role id', { roles: [{ roleTemplateId: LONG }] }, 'INVALID_INPUT R60'],
    [
      'a role id not in the catalogue',
      { roles: [{ roleTemplateId: 'admin' }] },
      'INVALID_INPUT R60',
    ],
    [
      'a role named as another',
      { roles: [{ roleTemplateId: USER_ADMINISTRATOR.roleTemplateId, displayName: LONG }] },
      'INVALID_INPUT R60',
    ],
    ['no roles', { roles: [] }, 'INVALID_INPUT R60'],
    ['a 100,000-character auto-extension', { autoExtendDuration: LONG }, 'INVALID_INPUT R60'],
    ['a crafted customer id', { customerTenantId: 'fabrikam_x' }, 'INVALID_INPUT -'],
    [
      'its own tenant as the customer',
      { customerTenantId: 'contoso-partners' },
      'INVALID_INPUT R60',
    ],
  ])('R60: creating with %s', async (_what, overrides, expected) => {
    expect(await refused(ann, CREATE, input(overrides))).toBe(expected);
  });

  it.each([
    ['a 100,000-character id', LONG, 'INVALID_INPUT -'],
    ['an id without its partner', '00000000-0000-4000-8000-000000000000', 'INVALID_INPUT -'],
    ['an id with a crafted partner', '00000000-0000-4000-8000-000000000000@a_b', 'INVALID_INPUT -'],
    ['an unknown id', MISSING, 'NOT_FOUND -'],
  ])('R60–R66: a relationship addressed by %s', async (_what, id, expected) => {
    expect(await refused(ann, REQUEST, { id })).toBe(expected);
    expect(await refused(fay, APPROVE, { id })).toBe(expected);
    expect(await refused(fay, TERMINATE, { id })).toBe(expected);
    expect(await refused(ann, UPDATE, { input: { relationshipId: id, displayName: 'x' } })).toBe(
      expected,
    );
    const assign = { relationshipId: id, securityGroupId: 'ADMIN_AGENTS', roleTemplateIds: [] };
    expect(await refused(ann, ASSIGN, { input: assign })).toBe(expected);
    if (expected === 'INVALID_INPUT -') {
      expect((await app.gql(ann, ONE, { id })).errors?.[0].extensions?.code).toBe('INVALID_INPUT');
    }
  });

  it('R61, R66: hostile updates, groups, role ids and assignment ids', async () => {
    const update = (overrides: Record<string, unknown>) => ({
      input: { relationshipId, ...overrides },
    });
    expect(await refused(ann, UPDATE, update({ duration: 'P999999999Y' }))).toBe(
      'INVALID_INPUT R60',
    );
    expect(await refused(ann, UPDATE, update({ displayName: '\u0000' }))).toBe('INVALID_INPUT R60');
    expect(await refused(ann, UPDATE, update({ roles: [] }))).toBe('INVALID_INPUT R60');

    await app.gql(ann, REQUEST, { id: relationshipId });
    expect((await app.gql(fay, APPROVE, { id: relationshipId })).errors).toBeUndefined();
    const assign = (overrides: Record<string, unknown>) => ({
      input: {
        relationshipId,
        securityGroupId: 'ADMIN_AGENTS',
        roleTemplateIds: [USER_ADMINISTRATOR.roleTemplateId],
        ...overrides,
      },
    });
    for (const securityGroupId of [LONG, 'Tier-Two', '../admins', 'a_b', '', 'x'.repeat(65)]) {
      expect(await refused(ann, ASSIGN, assign({ securityGroupId }))).toBe('INVALID_INPUT R66');
    }
    for (const roleTemplateIds of [
      [],
      [LONG],
      ['admin'],
      [DIRECTORY_ROLES.GLOBAL_ADMINISTRATOR.roleTemplateId],
    ]) {
      expect(await refused(ann, ASSIGN, assign({ roleTemplateIds }))).toBe('INVALID_INPUT R66');
    }
    for (const assignmentId of [LONG, 'not-a-uuid', '']) {
      expect(await refused(ann, UNASSIGN, { input: { relationshipId, assignmentId } })).toMatch(
        /^INVALID_INPUT/,
      );
    }
    expect(
      await refused(ann, UNASSIGN, {
        input: { relationshipId, assignmentId: '00000000-0000-4000-8000-000000000000' },
      }),
    ).toBe('NOT_FOUND -');
    expect(await stillAnswers(app, ann)).toBe(true);

    // Refusals are expected: logged below error level, none at error.
    const refusals = logs.lines.filter((line) => /R60|R66/.test(JSON.stringify(line)));
    expect(refusals.length).toBeGreaterThan(0);
    expect(logs.lines.filter((line) => line.level >= 50)).toEqual([]);
  });

  it('R16: a partner user holding no partner role does not read the partner’s GDAP relationships', async () => {
    const roleless = await app.token({ ...people.ann, sub: 'tia', roles: ['tier-two'] });
    expect((await app.gql(roleless, LIST)).errors?.[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      rule: 'R16',
    });
    expect((await app.gql(roleless, EXPIRING)).errors?.[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      rule: 'R16',
    });
    expect((await app.gql(roleless, ONE, { id: relationshipId })).data).toEqual({
      delegatedAdminRelationship: null,
    });
    expect((await app.gql(ann, ONE, { id: relationshipId })).data).toEqual({
      delegatedAdminRelationship: { id: relationshipId },
    });
  });

  it('R69: one partner whose stream cannot be written holds back no other partner; logged as a warning', async () => {
    // A relationship of each partner, approved now: 29 days from their end after 61 days.
    const otto = await app.token(people.otto);
    for (const [token, displayName] of [
      [ann, 'Contoso due'],
      [otto, 'Other partner due'],
    ]) {
      const created = await app.gql(token, CREATE, input({ displayName }));
      const { id } = created.data.createDelegatedAdminRelationship;
      await app.gql(token, REQUEST, { id });
      expect((await app.gql(fay, APPROVE, { id })).errors).toBeUndefined();
    }
    app.clock.advance(61 * DAY);

    const store = app.app.get<EventStore>(EVENT_STORE);
    const append = store.append.bind(store);
    let failing: string | undefined;
    store.append = (streamId, events, expected) => {
      failing ??= streamId.startsWith('gdap-') ? streamId : undefined;
      if (streamId === failing) return Promise.reject(new Error(`${streamId} is unavailable`));
      return append(streamId, events, expected);
    };
    const scheduler = app.app.get(GdapScheduler);
    try {
      await expect(scheduler.runDue()).rejects.toThrow(/1 partner\(s\) failed/);
      const other =
        failing === 'gdap-contoso-partners' ? 'gdap-other-partners' : 'gdap-contoso-partners';
      const recorded = await store.readStream(other);
      expect(recorded.map((event) => event.type)).toContain('DelegatedAdminRelationshipExpiring');
      // The failed partner is tried again after a rest (GDAP_SCHEDULER_MAX_SLEEP_MS, a day here):
      // the timer's pass then, which reports it as a warning.
      app.clock.advance(DAY + 1);
      scheduler.wake();
      for (
        let i = 0;
        i < 200 && !logs.lines.some((l) => /scheduler pass failed/.test(l.msg));
        i++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const failures = logs.lines.filter((line) => /scheduler pass failed/.test(line.msg));
      expect(failures.length).toBeGreaterThan(0);
      expect(failures.every((line) => line.level === 40)).toBe(true);
    } finally {
      store.append = append;
    }
    await scheduler.runDue();
    // Afterwards the stream that failed has its transitions too, each relationship's once.
    const expiring = (await store.readStream(failing!))
      .filter((event) => event.type === 'DelegatedAdminRelationshipExpiring')
      .map((event) => (event.data as { relationshipId: string }).relationshipId);
    expect(expiring.length).toBeGreaterThan(0);
    expect(new Set(expiring).size).toBe(expiring.length);
  });
});
