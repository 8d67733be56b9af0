import { appForSuite } from '../support/app';
import { headPosition, relate } from '../support/autopilot';
import { LogLines } from '../support/log-lines';
import { people } from '../support/tenants';

// Three roles answer 8 actions each and 2 per subscription: 3 × (8 + 2 × 2) = 36 fit in 40, a
// third subscription does not; one role fits 16 subscriptions.
const MAX_ITEMS = 40;
const ACCESS = `query ($role: PartnerRole, $ids: [ID!]) {
  effectiveAccess(partnerTenantId: "contoso-partners", customerTenantId: "fabrikam", role: $role, subscriptionIds: $ids) {
    capabilities { role action subscriptionId allowed reason rule } } }`;
const PROVISION = `mutation ($name: String!) { provisionAzureSubscription(input: { customerTenantId: "fabrikam", displayName: $name }) { id } }`;
const REGISTER = `mutation ($name: String!) { registerAzureSubscription(input: { displayName: $name }) { id } }`;
const CANCEL = `mutation ($id: ID!) { cancelAzureSubscription(subscriptionId: $id) { cancelled } }`;
const PAGE = `query ($after: String) { azureSubscriptionsConnection(customerTenantId: "fabrikam", first: 2, after: $after) {
  edges { node { id } } pageInfo { endCursor hasNextPage } } }`;

interface Capability {
  role: string;
  action: string;
  subscriptionId: string | null;
}

interface Page {
  edges: { node: { id: string } }[];
  pageInfo: { endCursor: string; hasNextPage: boolean };
}

const subscriptionsIn = (capabilities: Capability[]) =>
  [...new Set(capabilities.map((capability) => capability.subscriptionId))]
    .filter((id) => id !== null)
    .sort();

describe('effectiveAccess answers at most GRAPHQL_MAX_LIST_ITEMS capabilities (R40)', () => {
  const logs = new LogLines();
  const app = appForSuite({
    env: { GRAPHQL_MAX_LIST_ITEMS: String(MAX_ITEMS), LOG_LEVEL: 'info' },
    logDestination: logs,
  });
  let ann: string;
  let fay: string;
  let opal: string;
  const provisioned: string[] = [];

  const provision = async (name: string) => {
    const answer = await app.gql(ann, PROVISION, { name });
    expect(answer.errors).toBeUndefined();
    provisioned.push(answer.data.provisionAzureSubscription.id);
  };
  const ask = (token: string, variables: { role?: string; ids?: string[] } = {}) =>
    app.gql(token, ACCESS, variables);

  beforeAll(async () => {
    [ann, fay, opal] = await Promise.all([
      app.token(people.ann),
      app.token(people.fay),
      app.token(people.opal),
    ]);
    await relate(app, ann, true);
    await provision('Subscription 1');
    await provision('Subscription 2');
  });

  it('R40: a report of up to GRAPHQL_MAX_LIST_ITEMS capabilities is answered whole, to the partner, the customer and the Operator', async () => {
    for (const token of [ann, fay, opal]) {
      const answer = await ask(token);
      expect(answer.errors).toBeUndefined();
      const { capabilities } = answer.data.effectiveAccess;
      expect(capabilities).toHaveLength(36);
      expect(subscriptionsIn(capabilities)).toEqual([...provisioned].sort());
    }
  });

  it('R40: one of more is refused with RESPONSE_TOO_LARGE naming how to narrow it; one role still fits', async () => {
    await provision('Subscription 3');
    for (const token of [ann, fay, opal]) {
      const answer = await ask(token);
      expect(answer.data).toBeNull();
      expect(answer.errors).toEqual([
        expect.objectContaining({
          message: expect.stringContaining('name the subscriptions (subscriptionIds)'),
          extensions: expect.objectContaining({
            code: 'RESPONSE_TOO_LARGE',
            maxItems: MAX_ITEMS,
            use: 'azureSubscriptionsConnection',
          }),
        }),
      ]);
      const oneRole = await ask(token, { role: 'ADMIN_AGENT' });
      expect(oneRole.errors).toBeUndefined();
      expect(oneRole.data.effectiveAccess.capabilities).toHaveLength(8 + 2 * 3);
    }
    expect(logs.lines.filter((line) => line.level >= 50)).toEqual([]);
  });

  it('R40: subscriptionIds, a page of azureSubscriptionsConnection at a time, answers each subscription as the whole report does', async () => {
    const whole = (await ask(ann, { role: 'ADMIN_AGENT' })).data.effectiveAccess.capabilities;
    const answered: Capability[] = [];
    let after: string | null = null;
    do {
      const page: Page = (await app.gql(ann, PAGE, { after })).data.azureSubscriptionsConnection;
      const ids = page.edges.map((edge) => edge.node.id);
      const answer = await ask(ann, { ids: [...ids, ids[0].toUpperCase()] });
      expect(answer.errors).toBeUndefined();
      const { capabilities } = answer.data.effectiveAccess;
      expect(subscriptionsIn(capabilities)).toEqual([...ids].sort());
      answered.push(
        ...capabilities.filter(
          (capability: Capability) =>
            capability.subscriptionId !== null && capability.role === 'ADMIN_AGENT',
        ),
      );
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    const ofSubscriptions = whole.filter((capability: Capability) => capability.subscriptionId);
    expect(answered).toHaveLength(2 * 3);
    expect(answered).toEqual(expect.arrayContaining(ofSubscriptions));
  });

  it('R40, R17: a subscription the caller does not see, cancelled, unknown or of another customer is NOT_FOUND; a malformed id or more than 100 is INVALID_INPUT; nothing is appended', async () => {
    const own = (await app.gql(fay, REGISTER, { name: 'Fabrikam own' })).data
      .registerAzureSubscription.id;
    const cancelled = provisioned[2];
    expect((await app.gql(ann, CANCEL, { id: cancelled })).errors).toBeUndefined();
    const seenByFay = await ask(fay, { ids: [own] });
    expect(seenByFay.errors).toBeUndefined();
    expect(subscriptionsIn(seenByFay.data.effectiveAccess.capabilities)).toEqual([own]);

    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const ids of [[own], [cancelled], [unknown], [provisioned[0], unknown]]) {
      const answer = await ask(ann, { ids });
      expect(answer.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    }
    const wes = await app.token(people.wes);
    const woodgrove = (await app.gql(wes, REGISTER, { name: 'Woodgrove own' })).data
      .registerAzureSubscription.id;
    const head = await headPosition(app);
    for (const [token, ids] of [
      [fay, [cancelled]],
      [opal, [woodgrove]],
    ] as const) {
      const answer = await ask(token, { ids: [...ids] });
      expect(answer.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    }
    const tooMany = Array.from({ length: 101 }, () => provisioned[0]);
    for (const ids of [['not-a-subscription'], tooMany]) {
      const answer = await ask(opal, { ids });
      expect(answer.errors?.[0].extensions).toMatchObject({ code: 'INVALID_INPUT' });
    }
    expect(await headPosition(app)).toBe(head);
    expect(logs.lines.filter((line) => line.level >= 50)).toEqual([]);
  });
});
