import { AuditQueries } from '../../projections/audit/audit.queries';
import { CustomersQueries } from '../../projections/delegated-admin/customers.queries';
import { appForSuite } from '../support/app';
import { people } from '../support/tenants';

const REQUEST = `mutation ($input: RequestResellerRelationshipInput!) { requestResellerRelationship(input: $input) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { delegatedAdmin { status } } }`;

describe('totalCount is counted only when the caller asks for it', () => {
  const app = appForSuite({ env: { GRAPHQL_RESPONSE_CACHE: 'off' } });
  beforeAll(async () => {
    const id = (await app.gql(await app.token(people.ann), REQUEST, { input: {} })).data
      .requestResellerRelationship.id;
    await app.gql(await app.token(people.fay), ACCEPT, { id });
  });

  it.each([
    ['customers', CustomersQueries, '{ customers { nodes { tenantId } } }'],
    ['auditLog', AuditQueries, '{ auditLog { nodes { type } } }'],
  ] as const)(
    '%s: a page without totalCount runs no COUNT; with it, the count is right',
    async (field, queries, page) => {
      // On the prototype: a room that reads another's read model holds its own queries instance.
      const count = jest.spyOn(queries.prototype, 'count');
      const ann = await app.token(people.ann);
      const all = await app.gql(ann, `{ ${field}(first: 500) { nodes { __typename } } }`);
      expect(all.errors).toBeUndefined();
      expect((await app.gql(ann, page)).errors).toBeUndefined();
      expect(count).not.toHaveBeenCalled();
      const answer = await app.gql(ann, `{ ${field} { totalCount } }`);
      expect(answer.data[field].totalCount).toBe(all.data[field].nodes.length);
      expect(answer.data[field].totalCount).toBeGreaterThan(0);
      expect(count).toHaveBeenCalledTimes(1);
      count.mockRestore();
    },
  );

  it('customersCsv: a CSV page without totalCount runs no COUNT; with it, the count is right', async () => {
    const count = jest.spyOn(CustomersQueries.prototype, 'count');
    const ann = await app.token(people.ann);
    const csv = await app.gql(ann, '{ customersCsv { csv pageInfo { hasNextPage } } }');
    expect(csv.errors).toBeUndefined();
    expect(count).not.toHaveBeenCalled();
    const counted = await app.gql(ann, '{ customersCsv { totalCount } }');
    expect(counted.data.customersCsv.totalCount).toBe(
      csv.data.customersCsv.csv.split('\n').length - 2,
    );
    expect(count).toHaveBeenCalledTimes(1);
    count.mockRestore();
  });
});
