import { GdapScheduler } from '../../src/gdap/gdap-scheduler';
import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import { appForSuite } from '../support/app';
import { AUTOPILOT, relate } from '../support/autopilot';
import { LogLines } from '../support/log-lines';
import { people } from '../support/tenants';
import { readModelsCaughtUp } from '../support/caught-up';

const MAX_ITEMS = 2;
const DAY = 86_400_000;
const CREATE_GDAP = `mutation ($input: CreateDelegatedAdminRelationshipInput!) { createDelegatedAdminRelationship(input: $input) { id } }`;
const REQUEST_GDAP = `mutation ($id: ID!) { requestDelegatedAdminRelationshipApproval(input: { relationshipId: $id }) { id } }`;
const APPROVE_GDAP = `mutation ($id: ID!) { approveDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const ASSIGN_GDAP = `mutation ($input: CreateDelegatedAdminAccessAssignmentInput!) { createDelegatedAdminAccessAssignment(input: $input) { id } }`;
const INVITE = `mutation { requestResellerRelationship(input: { customerTenantId: "fabrikam" }) { id } }`;
const PROVISION = `mutation ($name: String!) { provisionAzureSubscription(input: { customerTenantId: "fabrikam", displayName: $name }) { id } }`;
const LISTS = {
  invitations: '{ invitations { id } }',
  azureSubscriptions: '{ azureSubscriptions(customerTenantId: "fabrikam") { id } }',
  autopilotProfiles: AUTOPILOT.profiles,
  autopilotDevices: AUTOPILOT.devices,
};
const PAGED = {
  invitations: '{ invitationsConnection(first: 10) { totalCount } }',
  azureSubscriptions:
    '{ azureSubscriptionsConnection(customerTenantId: "fabrikam", first: 10) { totalCount } }',
  autopilotProfiles:
    '{ autopilotProfilesConnection(customerTenantId: "fabrikam", first: 10) { totalCount } }',
  autopilotDevices:
    '{ autopilotDevicesConnection(customerTenantId: "fabrikam", first: 10) { totalCount } }',
};
type List = keyof typeof LISTS;

/**
 * The lists that are not paged (deprecated for their connections) read at most
 * GRAPHQL_MAX_LIST_ITEMS rows and one more: a longer list is refused with a stable code naming
 * the connection, instead of being read, mapped and measured whole before the response cap.
 */
describe('lists that are not paged are bounded (GRAPHQL_MAX_LIST_ITEMS)', () => {
  const logs = new LogLines();
  const app = appForSuite({
    env: { GRAPHQL_MAX_LIST_ITEMS: String(MAX_ITEMS), LOG_LEVEL: 'info' },
    logDestination: logs,
  });
  let ann: string;

  const list = (name: List) => app.gql(ann, LISTS[name], { customer: 'fabrikam' });
  const ADD: Record<List, (index: number) => Promise<unknown>> = {
    invitations: () => app.gql(ann, INVITE),
    azureSubscriptions: (index) => app.gql(ann, PROVISION, { name: `Subscription ${index}` }),
    autopilotProfiles: (index) =>
      app.gql(ann, AUTOPILOT.create, {
        input: { customerTenantId: 'fabrikam', name: `Profile ${index}` },
      }),
    autopilotDevices: (index) =>
      app.gql(ann, AUTOPILOT.add, {
        input: { customerTenantId: 'fabrikam', devices: [{ productKey: `KEY-${index}` }] },
      }),
  };
  /** Adds items to each list until it holds `count` (the accepted invitation is one already). */
  const fill = async (count: number) => {
    for (const name of Object.keys(LISTS) as List[]) {
      const held = (await app.gql(ann, PAGED[name])).data[`${name}Connection`].totalCount;
      for (let index = held; index < count; index++) {
        expect(await ADD[name](index)).not.toHaveProperty('errors');
      }
    }
  };

  /** `query` is refused as too large now and at a moment just after now, naming the paged field. */
  async function expectRefusedNowAndAsOf(token: string, query: string): Promise<void> {
    const asOf = new Date(app.clock.now().getTime() + 1000).toISOString();
    for (const answer of [await app.gql(token, query), await app.gql(token, query, { asOf })]) {
      expect(answer.errors).toEqual([
        expect.objectContaining({
          message: expect.stringContaining('page through delegatedAdminRelationships instead'),
          extensions: expect.objectContaining({
            code: 'RESPONSE_TOO_LARGE',
            maxItems: MAX_ITEMS,
            use: 'delegatedAdminRelationships',
          }),
        }),
      ]);
    }
  }

  beforeAll(async () => {
    ann = await app.token(people.ann);
    await relate(app, ann, true);
  });

  it('answers every list of up to GRAPHQL_MAX_LIST_ITEMS items whole', async () => {
    await fill(MAX_ITEMS);
    for (const name of Object.keys(LISTS) as List[]) {
      const answer = await list(name);
      expect({ name, errors: answer.errors }).toEqual({ name, errors: undefined });
      expect(answer.data[name]).toHaveLength(MAX_ITEMS);
    }
  });

  it('refuses a longer list with RESPONSE_TOO_LARGE naming its connection, which pages it all', async () => {
    await fill(MAX_ITEMS + 1);
    for (const name of Object.keys(LISTS) as List[]) {
      const answer = await list(name);
      expect(answer.data).toBeNull();
      expect(answer.errors).toEqual([
        expect.objectContaining({
          message: expect.stringContaining(`page through ${name}Connection instead`),
          extensions: expect.objectContaining({
            code: 'RESPONSE_TOO_LARGE',
            maxItems: MAX_ITEMS,
            use: `${name}Connection`,
          }),
        }),
      ]);
      const paged = await app.gql(ann, PAGED[name]);
      expect(paged.data[`${name}Connection`].totalCount).toBe(MAX_ITEMS + 1);
    }
    expect(logs.lines.filter((line) => line.level >= 50)).toEqual([]);
  });

  it('R63: the expiring lists read at most GRAPHQL_MAX_LIST_ITEMS, and delegatedAdminRelationships pages them by endingBefore', async () => {
    const fay = await app.token(people.fay);
    const EXPIRING =
      'query ($asOf: DateTime) { expiringDelegatedAdminRelationships(asOf: $asOf) { within30Days { id } } }';
    const addExpiring = async (index: number) => {
      const created = await app.gql(ann, CREATE_GDAP, {
        input: {
          customerTenantId: 'fabrikam',
          displayName: `Expiring ${index}`,
          duration: 'P20D',
          roles: [{ roleTemplateId: DIRECTORY_ROLES.USER_ADMINISTRATOR.roleTemplateId }],
        },
      });
      const { id } = created.data.createDelegatedAdminRelationship;
      expect(await app.gql(ann, REQUEST_GDAP, { id })).not.toHaveProperty('errors');
      expect(await app.gql(fay, APPROVE_GDAP, { id })).not.toHaveProperty('errors');
    };
    for (let index = 0; index < MAX_ITEMS; index++) await addExpiring(index);
    expect(
      (await app.gql(ann, EXPIRING)).data.expiringDelegatedAdminRelationships.within30Days,
    ).toHaveLength(MAX_ITEMS);

    await addExpiring(MAX_ITEMS);
    await expectRefusedNowAndAsOf(ann, EXPIRING);
    const ending = async (endingBefore: Date) => {
      const ids: string[] = [];
      for (let after: string | null = null; ;) {
        const page: {
          nodes: { id: string }[];
          pageInfo: { hasNextPage: boolean; endCursor: string };
        } = (
          await app.gql(
            ann,
            `query ($filter: DelegatedAdminRelationshipFilter, $after: String) {
              delegatedAdminRelationships(filter: $filter, first: 2, after: $after) {
                nodes { id } pageInfo { hasNextPage endCursor } } }`,
            { filter: { endingBefore: endingBefore.toISOString() }, after },
          )
        ).data.delegatedAdminRelationships;
        ids.push(...page.nodes.map((node) => node.id));
        if (!page.pageInfo.hasNextPage) return ids;
        after = page.pageInfo.endCursor;
      }
    };
    const now = app.clock.now().getTime();
    expect(await ending(new Date(now + 30 * DAY))).toHaveLength(MAX_ITEMS + 1);
    expect(await ending(new Date(now + DAY))).toEqual([]);
    expect(logs.lines.filter((line) => line.level >= 50)).toEqual([]);
  });

  it('R15, R43: the customer’s Partner relationships page lists at most GRAPHQL_MAX_LIST_ITEMS GDAP relationships a partner, now and at asOf', async () => {
    const fay = await app.token(people.fay);
    // The R63 test above left more than MAX_ITEMS relationships between Contoso and Fabrikam.
    const held = await app.gql(
      fay,
      '{ delegatedAdminRelationships(filter: { partnerTenantId: "contoso-partners" }) { totalCount } }',
    );
    expect(held.data.delegatedAdminRelationships.totalCount).toBeGreaterThan(MAX_ITEMS);
    await expectRefusedNowAndAsOf(
      fay,
      'query ($asOf: DateTime) { partnerRelationships(asOf: $asOf) { partnerTenantId delegatedAdminRelationships { id } } }',
    );
    expect(logs.lines.filter((line) => line.level >= 50)).toEqual([]);
  });

  it('R11, R67: the Partner relationships page’s gdapAccess answers at most GRAPHQL_MAX_LIST_ITEMS grants, now and at asOf', async () => {
    const fay = await app.token(people.fay);
    // The relationships the R63 test left granting: the Admin Agents get a role through each.
    const active = (
      (
        await app.gql(
          fay,
          '{ delegatedAdminRelationships(filter: { partnerTenantId: "contoso-partners" }) { nodes { id status } } }',
        )
      ).data.delegatedAdminRelationships.nodes as { id: string; status: string }[]
    ).filter(({ status }) => status === 'active' || status === 'expiring');
    expect(active.length).toBeGreaterThan(MAX_ITEMS);
    for (const { id } of active) {
      const input = {
        relationshipId: id,
        securityGroupId: 'ADMIN_AGENTS',
        roleTemplateIds: [DIRECTORY_ROLES.USER_ADMINISTRATOR.roleTemplateId],
      };
      expect(await app.gql(ann, ASSIGN_GDAP, { input })).not.toHaveProperty('errors');
    }
    await app.app.get(GdapScheduler).runDue();
    // The activations are the scheduler's, not Ann's writes: read once they are applied.
    await readModelsCaughtUp(app);
    await expectRefusedNowAndAsOf(
      fay,
      'query ($asOf: DateTime) { partnerRelationships(asOf: $asOf) { gdapAccess { assignmentId } } }',
    );
  });

  it('R11: directoryRoles lists at most GRAPHQL_MAX_LIST_ITEMS members a role, and directoryRoleMembers pages them all', async () => {
    const admins = ['fay', 'gia', 'gil'].map((sub) => ({
      ...people.fay,
      sub,
      name: sub[0].toUpperCase() + sub.slice(1),
    }));
    // A user is listed once they caused an event.
    for (const admin of admins) {
      const registered = await app.gql(
        await app.token(admin),
        'mutation ($name: String!) { registerAzureSubscription(input: { displayName: $name }) { id } }',
        { name: `${admin.name}'s` },
      );
      expect(registered).not.toHaveProperty('errors');
    }
    const fay = await app.token(people.fay);
    const listing = await app.gql(fay, '{ directoryRoles { role members { userId } } }');
    expect(listing.errors).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({
          code: 'RESPONSE_TOO_LARGE',
          maxItems: MAX_ITEMS,
          use: 'directoryRoleMembers',
        }),
      }),
    ]);
    const members: string[] = [];
    for (let after: string | null = null; ;) {
      const page: {
        nodes: { userId: string; name: string }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
        totalCount: number;
      } = (
        await app.gql(
          fay,
          `query ($after: String) { directoryRoleMembers(role: "Global Administrator", first: 2, after: $after) {
            nodes { userId name } pageInfo { hasNextPage endCursor } totalCount } }`,
          { after },
        )
      ).data.directoryRoleMembers;
      expect(page.totalCount).toBe(3);
      members.push(...page.nodes.map((node) => `${node.userId} ${node.name}`));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(members).toEqual(['fay Fay', 'gia Gia', 'gil Gil']);
    expect(logs.lines.filter((line) => line.level >= 50)).toEqual([]);
  });
});
