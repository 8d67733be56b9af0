import { appForSuite } from '../support/app';
import { AUTOPILOT, relate } from '../support/autopilot';
import { people } from '../support/tenants';

const INVITE = `mutation { requestResellerRelationship(input: { includeDelegatedAdmin: true }) { id } }`;
const CANCEL = `mutation ($id: ID!) { cancelInvitation(invitationId: $id) { id } }`;
const PROVISION = `mutation ($name: String!) { provisionAzureSubscription(input: { customerTenantId: "fabrikam", displayName: $name }) { id } }`;

type Page = {
  totalCount: number;
  nodes: { id: string }[];
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
};

const CONNECTION =
  'totalCount nodes { id } edges { cursor node { id } } pageInfo { hasNextPage endCursor }';

describe('every list is a connection; the old lists still answer (deprecated)', () => {
  const app = appForSuite();
  let ann: string;
  let fay: string;

  /** Follows endCursor one row at a time; checks every page's shape against the connection contract. */
  const walk = async (field: string, query: string, variables: Record<string, unknown> = {}) => {
    const seen: string[] = [];
    let after: string | null = null;
    let totalCount = -1;
    for (;;) {
      const answer = await app.gql(ann, query, { ...variables, first: 1, after });
      expect(answer.errors).toBeUndefined();
      const page = answer.data[field] as Page;
      expect(page.edges.map((edge) => edge.node)).toEqual(page.nodes);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      totalCount = page.totalCount;
      seen.push(...page.nodes.map((node) => node.id));
      if (!page.pageInfo.hasNextPage) return { seen, totalCount };
      after = page.pageInfo.endCursor;
    }
  };
  const ids = async (token: string, query: string, field: string, variables = {}) => {
    const answer = await app.gql(token, query, variables);
    expect(answer.errors).toBeUndefined();
    return (answer.data[field] as { id: string }[]).map((node) => node.id);
  };

  beforeAll(async () => {
    ann = await app.token(people.ann);
    fay = await app.token(people.fay);
    await relate(app, ann, true);
    for (let index = 0; index < 3; index++) {
      await app.gql(ann, INVITE);
      app.clock.advance(1000);
    }
    const last = (await app.gql(ann, INVITE)).data.requestResellerRelationship.id;
    expect((await app.gql(ann, CANCEL, { id: last })).errors).toBeUndefined();
    for (const name of ['Prod', 'Dev', 'Test']) {
      expect((await app.gql(ann, PROVISION, { name })).errors).toBeUndefined();
    }
    for (const name of ['Kiosk', 'Desk']) {
      const input = { customerTenantId: 'fabrikam', name };
      expect((await app.gql(ann, AUTOPILOT.create, { input })).errors).toBeUndefined();
    }
    const partnerDevices = ['PK-1', 'PK-2', 'PK-3'].map((productKey) => ({ productKey }));
    const added = await app.gql(ann, AUTOPILOT.add, {
      input: { customerTenantId: 'fabrikam', devices: partnerDevices },
    });
    expect(added.errors).toBeUndefined();
    const byFay = await app.gql(fay, AUTOPILOT.add, {
      input: { customerTenantId: 'fabrikam', source: 'INTUNE', devices: [{ productKey: 'PK-4' }] },
    });
    expect(byFay.errors).toBeUndefined();
  });

  it('R5: invitationsConnection pages the same invitations as invitations, filtered by status', async () => {
    const query = `query ($status: InvitationStatus, $first: Int, $after: String) {
      invitationsConnection(status: $status, first: $first, after: $after) { ${CONNECTION} } }`;
    const old = await ids(ann, '{ invitations { id } }', 'invitations');
    expect(old).toHaveLength(5);
    expect(await walk('invitationsConnection', query)).toEqual({ seen: old, totalCount: 5 });
    const pending = await ids(ann, '{ invitations(status: PENDING) { id } }', 'invitations');
    expect(pending).toHaveLength(3);
    expect(await walk('invitationsConnection', query, { status: 'PENDING' })).toEqual({
      seen: pending,
      totalCount: 3,
    });
  });

  it('R17: azureSubscriptionsConnection pages the subscriptions the caller sees', async () => {
    const query = `query ($first: Int, $after: String) {
      azureSubscriptionsConnection(customerTenantId: "fabrikam", first: $first, after: $after) { ${CONNECTION} } }`;
    const old = await ids(
      ann,
      '{ azureSubscriptions(customerTenantId: "fabrikam") { id } }',
      'azureSubscriptions',
    );
    expect(old).toHaveLength(3);
    expect(await walk('azureSubscriptionsConnection', query)).toEqual({ seen: old, totalCount: 3 });
  });

  it('R30: autopilotProfilesConnection pages the profiles by name', async () => {
    const query = `query ($first: Int, $after: String) {
      autopilotProfilesConnection(customerTenantId: "fabrikam", first: $first, after: $after) { ${CONNECTION} } }`;
    const old = await ids(ann, AUTOPILOT.profiles, 'autopilotProfiles', { customer: 'fabrikam' });
    expect(old).toHaveLength(2);
    expect(await walk('autopilotProfilesConnection', query)).toEqual({ seen: old, totalCount: 2 });
  });

  it('R31: autopilotDevicesConnection pages the devices in the order added, filtered by profile and origin', async () => {
    const query = `query ($filter: AutopilotDeviceFilter, $first: Int, $after: String) {
      autopilotDevicesConnection(customerTenantId: "fabrikam", filter: $filter, first: $first, after: $after) { ${CONNECTION} } }`;
    const old = await ids(ann, AUTOPILOT.devices, 'autopilotDevices', { customer: 'fabrikam' });
    expect(old).toHaveLength(4);
    expect(await walk('autopilotDevicesConnection', query)).toEqual({ seen: old, totalCount: 4 });
    expect(
      await walk('autopilotDevicesConnection', query, { filter: { source: 'INTUNE' } }),
    ).toEqual({
      seen: [old[3]],
      totalCount: 1,
    });
    expect(
      await walk('autopilotDevicesConnection', query, { filter: { source: 'PARTNER' } }),
    ).toEqual({
      seen: old.slice(0, 3),
      totalCount: 3,
    });
    const [profile] = await ids(ann, AUTOPILOT.profiles, 'autopilotProfiles', {
      customer: 'fabrikam',
    });
    const assigned = await app.gql(ann, AUTOPILOT.assign, {
      input: { deviceId: old[1], profileId: profile },
    });
    expect(assigned.errors).toBeUndefined();
    expect(
      await walk('autopilotDevicesConnection', query, { filter: { profileId: profile } }),
    ).toEqual({
      seen: [old[1]],
      totalCount: 1,
    });
  });

  it('a cursor another list gave out is INVALID_INPUT, never a page from wherever its key points', async () => {
    const first = async (field: string, args: string) => {
      const answer = await app.gql(ann, `{ ${field}(${args}first: 1) { pageInfo { endCursor } } }`);
      expect(answer.errors).toBeUndefined();
      return answer.data[field].pageInfo.endCursor as string;
    };
    const fabrikam = 'customerTenantId: "fabrikam", ';
    const lists: [string, string][] = [
      ['azureSubscriptionsConnection', fabrikam],
      ['autopilotProfilesConnection', fabrikam],
      ['autopilotDevicesConnection', fabrikam],
      ['invitationsConnection', ''],
      ['auditLog', ''],
    ];
    const cursors = await Promise.all(lists.map(([field, args]) => first(field, args)));
    for (const [index, [field, args]] of lists.entries()) {
      const own = await app.gql(
        ann,
        `{ ${field}(${args}after: "${cursors[index]}") { totalCount } }`,
      );
      expect(own.errors).toBeUndefined();
      const foreign = cursors[(index + 1) % lists.length];
      const refused = await app.gql(ann, `{ ${field}(${args}after: "${foreign}") { totalCount } }`);
      expect(refused.errors?.[0].extensions?.code).toBe('INVALID_INPUT');
    }
  });

  it('a cursor that no list gave out is INVALID_INPUT; the old lists are marked deprecated', async () => {
    const answer = await app.gql(
      ann,
      '{ autopilotDevicesConnection(customerTenantId: "fabrikam", after: "e30") { totalCount } }',
    );
    expect(answer.errors?.[0].extensions?.code).toBe('INVALID_INPUT');
    const schema = await app.gql(
      ann,
      '{ __type(name: "Query") { fields(includeDeprecated: true) { name isDeprecated } } }',
    );
    const deprecated = schema.data.__type.fields
      .filter((field: { isDeprecated: boolean }) => field.isDeprecated)
      .map((field: { name: string }) => field.name)
      .sort();
    expect(deprecated).toEqual([
      'autopilotDevices',
      'autopilotProfiles',
      'azureSubscriptions',
      'invitations',
    ]);
  });
});
