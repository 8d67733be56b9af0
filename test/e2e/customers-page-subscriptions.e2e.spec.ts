import { people } from '../support/tenants';
import { appForSuite, type GraphQLResponse } from '../support/app';

const INVITE = `mutation ($customer: ID!) { requestResellerRelationship(input: { customerTenantId: $customer }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId } }`;
const PROVISION = `mutation ($input: ProvisionAzureSubscriptionInput!) { provisionAzureSubscription(input: $input) {
  id roleAssignments { id } } }`;
const REGISTER = `mutation ($name: String!) { registerAzureSubscription(input: { displayName: $name }) { id } }`;
const ASSIGN = `mutation ($input: AssignSubscriptionRoleInput!) { assignSubscriptionRole(input: $input) { id } }`;
const UNASSIGN = `mutation ($input: RemoveSubscriptionRoleAssignmentInput!) { removeSubscriptionRoleAssignment(input: $input) { id } }`;
const ROW = `tenantId azureSubscriptions { id displayName } azureSubscriptionsTruncated
  services { name usable reason rule }`;
const PAGE = `query ($filter: CustomerFilter) { customers(filter: $filter) { nodes { ${ROW} } } }`;
const ONE = `query ($id: ID!) { customer(tenantId: $id) { ${ROW} } }`;
const CSV = `{ customersCsv { csv } }`;
const CONNECTION = `query ($after: String) { azureSubscriptionsConnection(customerTenantId: "fabrikam", first: 7, after: $after) {
  totalCount nodes { displayName roleAssignments { principal { kind partnerTenantId } } } pageInfo { hasNextPage endCursor } } }`;

interface Row {
  tenantId: string;
  azureSubscriptions: { id: string; displayName: string }[];
  azureSubscriptionsTruncated: boolean;
  services: { name: string; usable: boolean; reason: string; rule: string }[];
}

const azure = (row: Row) => row.services.find((service) => service.name === 'Azure')!;
const names = (row: Row) => row.azureSubscriptions.map((subscription) => subscription.displayName);

describe('Azure subscriptions on the Customers page rows (R16, R17, R23)', () => {
  const app = appForSuite();
  let ann: string;
  let hal: string;
  let fay: string;
  let wes: string;

  const page = async (token: string, filter?: object): Promise<Row[]> => {
    const answer = await app.gql(token, PAGE, { filter });
    expect(answer.errors).toBeUndefined();
    return answer.data.customers.nodes as Row[];
  };
  const rowOf = async (token: string, tenantId: string) =>
    (await page(token)).find((row) => row.tenantId === tenantId)!;

  beforeAll(async () => {
    [ann, hal, fay, wes] = await Promise.all(
      [people.ann, people.hal, people.fay, people.wes].map((person) => app.token(person)),
    );
    for (const [customer, admin] of [
      ['fabrikam', fay],
      ['woodgrove', wes],
    ]) {
      const invitation = await app.gql(ann, INVITE, { customer });
      const accepted = await app.gql(admin, ACCEPT, {
        id: invitation.data.requestResellerRelationship.id,
      });
      expect(accepted.errors).toBeUndefined();
    }
    // 21 subscriptions of Fabrikam provisioned by the partner: its Admin Agents are Owner (R22).
    for (let index = 21; index >= 1; index--) {
      const provisioned = await app.gql(ann, PROVISION, {
        input: {
          customerTenantId: 'fabrikam',
          displayName: `Sub ${String(index).padStart(2, '0')}`,
        },
      });
      expect(provisioned.errors).toBeUndefined();
    }
  });

  it('R16, R17: a row lists the partner’s first 20 subscriptions by name and says it has more; customer and customersCsv agree', async () => {
    const row = await rowOf(ann, 'fabrikam');
    expect(names(row)).toEqual(
      Array.from({ length: 20 }, (_, index) => `Sub ${String(index + 1).padStart(2, '0')}`),
    );
    expect(row.azureSubscriptionsTruncated).toBe(true);
    expect(azure(row)).toMatchObject({ usable: true, rule: 'R23' });
    expect((await app.gql(ann, ONE, { id: 'fabrikam' })).data.customer).toEqual(row);
    const csv = (await app.gql(ann, CSV)).data.customersCsv.csv as string;
    expect(csv.split('\r\n').find((line) => line.startsWith('fabrikam,'))).toContain(',20+,');
    expect(csv.split('\r\n').find((line) => line.startsWith('woodgrove,'))).toContain(',0,');
  });

  it('R23: a role of the Helpdesk Agents on a subscription beyond the row’s twenty still opens the Azure portal to them', async () => {
    const hal0 = await rowOf(hal, 'fabrikam');
    expect(azure(hal0)).toMatchObject({ usable: false, rule: 'R21' });

    const zeta = (await app.gql(fay, REGISTER, { name: 'Zeta' })).data.registerAzureSubscription;
    const assigned = await app.gql(fay, ASSIGN, {
      input: {
        subscriptionId: zeta.id,
        role: 'READER',
        principal: {
          kind: 'PARTNER_GROUP',
          partnerTenantId: 'contoso-partners',
          group: 'HELPDESK_AGENTS',
        },
      },
    });
    expect(assigned.errors).toBeUndefined();

    const row = await rowOf(hal, 'fabrikam');
    expect(names(row)).toHaveLength(20);
    expect(names(row)).not.toContain('Zeta');
    expect(row.azureSubscriptionsTruncated).toBe(true);
    expect(azure(row)).toEqual({
      name: 'Azure',
      usable: true,
      reason: `The partner holds Reader on subscription “Zeta” (${zeta.id}).`,
      rule: 'R23',
    });
    const usable = await page(hal, { service: { name: 'Azure', usable: true } });
    expect(usable.map((customer) => customer.tenantId)).toEqual(['fabrikam']);
  });

  it('R23, R24: once the customer removes the partner’s only role, the subscription still shows but the Azure filters leave the customer out of “usable”', async () => {
    const solo = (
      await app.gql(ann, PROVISION, {
        input: { customerTenantId: 'woodgrove', displayName: 'Solo' },
      })
    ).data.provisionAzureSubscription;
    expect(azure(await rowOf(ann, 'woodgrove'))).toMatchObject({ usable: true });
    const removed = await app.gql(wes, UNASSIGN, {
      input: { subscriptionId: solo.id, assignmentId: solo.roleAssignments[0].id },
    });
    expect(removed.errors).toBeUndefined();

    const row = await rowOf(ann, 'woodgrove');
    expect([names(row), row.azureSubscriptionsTruncated]).toEqual([['Solo'], false]);
    expect(azure(row)).toMatchObject({ usable: false, rule: 'R21' });
    const tenants = async (filter: object) =>
      (await page(ann, filter)).map((customer) => customer.tenantId);
    expect(await tenants({ service: { name: 'Azure', usable: true } })).toEqual(['fabrikam']);
    expect(await tenants({ service: { name: 'Azure', usable: false } })).toEqual(['woodgrove']);
    expect(await tenants({ hasAzureSubscriptions: true })).toEqual(['fabrikam', 'woodgrove']);
  });

  it('R17: azureSubscriptionsConnection pages by name what each caller sees, the partner only its own', async () => {
    expect((await app.gql(fay, REGISTER, { name: 'Alpha' })).errors).toBeUndefined();
    const walk = async (token: string) => {
      const seen: {
        displayName: string;
        roleAssignments: { principal: { kind: string; partnerTenantId: string | null } }[];
      }[] = [];
      let after: string | null = null;
      for (;;) {
        const answer: GraphQLResponse = await app.gql(token, CONNECTION, { after });
        expect(answer.errors).toBeUndefined();
        const page = answer.data.azureSubscriptionsConnection as {
          totalCount: number;
          nodes: typeof seen;
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
        expect(page.totalCount).toBe(token === fay ? 23 : 22);
        seen.push(...page.nodes);
        if (!page.pageInfo.hasNextPage) return seen;
        after = page.pageInfo.endCursor;
      }
    };
    const subs = Array.from(
      { length: 21 },
      (_, index) => `Sub ${String(index + 1).padStart(2, '0')}`,
    );
    const partner = await walk(ann);
    expect(partner.map((node) => node.displayName)).toEqual([...subs, 'Zeta']);
    // A partner sees only its own groups' role assignments (R17).
    const principals = partner.flatMap((node) =>
      node.roleAssignments.map(({ principal }) => `${principal.kind} ${principal.partnerTenantId}`),
    );
    expect(new Set(principals)).toEqual(new Set(['PARTNER_GROUP contoso-partners']));
    expect((await walk(fay)).map((node) => node.displayName)).toEqual(['Alpha', ...subs, 'Zeta']);
  });
});
