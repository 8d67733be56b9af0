import { people } from '../support/tenants';
import { appForSuite } from '../support/app';

const PRINCIPAL = `principal { kind partnerTenantId group userId groupId }`;
const REGISTER = `mutation ($name: String!) { registerAzureSubscription(input: { displayName: $name }) { id } }`;
const ASSIGN = `mutation ($input: AssignSubscriptionRoleInput!) {
  assignSubscriptionRole(input: $input) { id roleAssignments { id role ${PRINCIPAL} } } }`;
const LIST = `{ azureSubscriptionsConnection { totalCount nodes { id roleAssignments { role ${PRINCIPAL} } } } }`;
const AUDIT = `{ auditLog(filter: { eventTypes: ["SubscriptionRoleAssigned"] }) { totalCount nodes { summary } } }`;

const financeTeam = { kind: 'CUSTOMER_GROUP', groupId: 'finance-team' };

describe('R20: a customer group holds a role on a subscription over GraphQL', () => {
  const app = appForSuite();

  it('R20, R24, R17: the Global admin gives the finance-team group Owner; its members see the subscription and manage its access, others do not', async () => {
    const fay = await app.token(people.fay);
    const fiona = await app.token({
      ...people.fred,
      sub: 'fiona',
      name: 'Fiona',
      roles: ['finance-team'],
    });
    const fred = await app.token(people.fred);
    const ann = await app.token(people.ann);
    const subscriptionId = (await app.gql(fay, REGISTER, { name: 'Finance' })).data
      .registerAzureSubscription.id as string;

    const granted = await app.gql(fay, ASSIGN, {
      input: { subscriptionId, principal: { ...financeTeam }, role: 'OWNER' },
    });
    expect(granted.errors).toBeUndefined();
    expect(granted.data.assignSubscriptionRole.roleAssignments).toEqual([
      expect.objectContaining({
        role: 'OWNER',
        principal: { ...financeTeam, partnerTenantId: null, group: null, userId: null },
      }),
    ]);

    const listed = (token: string) =>
      app.gql(token, LIST).then((answer) => answer.data.azureSubscriptionsConnection);
    expect((await listed(fiona)).nodes.map((node: { id: string }) => node.id)).toEqual([
      subscriptionId,
    ]);
    expect(await listed(fred)).toEqual({ totalCount: 0, nodes: [] });

    const byMember = await app.gql(fiona, ASSIGN, {
      input: {
        subscriptionId,
        principal: { kind: 'CUSTOMER_USER', userId: 'nina' },
        role: 'READER',
      },
    });
    expect(byMember.errors).toBeUndefined();
    const byOther = await app.gql(fred, ASSIGN, {
      input: {
        subscriptionId,
        principal: { kind: 'CUSTOMER_USER', userId: 'fred' },
        role: 'OWNER',
      },
    });
    expect(byOther.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R24' });
    const byPartner = await app.gql(ann, ASSIGN, {
      input: { subscriptionId, principal: { ...financeTeam }, role: 'READER' },
    });
    expect(byPartner.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });

    const audit = await app.gql(fay, AUDIT);
    expect(audit.data.auditLog.nodes.map((node: { summary: string }) => node.summary)).toEqual([
      'Fiona (Fabrikam, finance-team) assigned READER on Azure subscription "Finance" to user nina',
      'Fay (Fabrikam, GlobalAdmin) assigned OWNER on Azure subscription "Finance" to group finance-team',
    ]);
  });

  it.each([
    ['no groupId', { kind: 'CUSTOMER_GROUP' }],
    ['a groupId in capitals', { kind: 'CUSTOMER_GROUP', groupId: 'Finance' }],
    ['a groupId of 65 characters', { kind: 'CUSTOMER_GROUP', groupId: 'g'.repeat(65) }],
  ])(
    'R20, R50: a CUSTOMER_GROUP with %s is INVALID_INPUT and appends nothing',
    async (_what, principal) => {
      const fay = await app.token(people.fay);
      const subscriptionId = (await app.gql(fay, REGISTER, { name: 'Refusals' })).data
        .registerAzureSubscription.id as string;
      const before = (await app.gql(fay, AUDIT)).data.auditLog.totalCount as number;

      const refused = await app.gql(fay, ASSIGN, {
        input: { subscriptionId, principal, role: 'READER' },
      });

      expect(refused.errors?.[0].extensions).toEqual({ code: 'INVALID_INPUT', rule: 'R20' });
      expect((await app.gql(fay, AUDIT)).data.auditLog.totalCount).toBe(before);
    },
  );
});
