import { people } from '../support/tenants';
import { appForSuite } from '../support/app';

const REQUEST = `mutation { requestResellerRelationship(input: { customerTenantId: "fabrikam" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId } }`;
const PROVISION = `mutation ($name: String!) { provisionAzureSubscription(input: { customerTenantId: "fabrikam", displayName: $name }) { id } }`;
const REGISTER = `mutation { registerAzureSubscription(input: { displayName: "Fabrikam Own" }) { id } }`;
const ASSIGN = `mutation ($input: AssignSubscriptionRoleInput!) { assignSubscriptionRole(input: $input) { roleAssignments { id principal { partnerTenantId } } } }`;
const UNASSIGN = `mutation ($input: RemoveSubscriptionRoleAssignmentInput!) { removeSubscriptionRoleAssignment(input: $input) { id } }`;
const PAST_PAGE = `query ($asOf: DateTime) { customers(asOf: $asOf) { nodes { tenantId azureSubscriptions { displayName } } } }`;

describe('R17, R43: a past Customers page over GraphQL', () => {
  const app = appForSuite();

  it('R17, R43: lists the subscriptions the partner could see at that moment: its own, and a customer’s while one of its groups held a role there, never another partner’s', async () => {
    const [ann, otto, fay] = await Promise.all(
      [people.ann, people.otto, people.fay].map((person) => app.token(person)),
    );
    const step = async <T>(work: () => Promise<T>): Promise<[T, string]> => {
      app.clock.advance(60_000);
      const done = await work();
      return [done, app.clock.now().toISOString()];
    };
    for (const partner of [ann, otto]) {
      const id = (await app.gql(partner, REQUEST)).data.requestResellerRelationship.id;
      expect((await app.gql(fay, ACCEPT, { id })).errors).toBeUndefined();
    }
    const [, provisioned] = await step(async () => {
      await app.gql(ann, PROVISION, { name: 'Contoso Prod' });
      await app.gql(otto, PROVISION, { name: 'Other Prod' });
      return app.gql(fay, REGISTER);
    });
    const own = (await app.gql(fay, '{ azureSubscriptions { id displayName } }')).data
      .azureSubscriptions as { id: string; displayName: string }[];
    const ownId = own.find((subscription) => subscription.displayName === 'Fabrikam Own')!.id;
    const [assigned, roleHeld] = await step(() =>
      app.gql(fay, ASSIGN, {
        input: {
          subscriptionId: ownId,
          principal: {
            kind: 'PARTNER_GROUP',
            partnerTenantId: 'contoso-partners',
            group: 'HELPDESK_AGENTS',
          },
          role: 'READER',
        },
      }),
    );
    const [, roleRemoved] = await step(() =>
      app.gql(fay, UNASSIGN, {
        input: {
          subscriptionId: ownId,
          assignmentId: assigned.data.assignSubscriptionRole.roleAssignments[0].id,
        },
      }),
    );

    const listed = async (token: string, asOf: string) =>
      (await app.gql(token, PAST_PAGE, { asOf })).data.customers.nodes.map(
        (node: { azureSubscriptions: { displayName: string }[] }) =>
          node.azureSubscriptions.map((subscription) => subscription.displayName),
      );
    expect(await listed(ann, provisioned)).toEqual([['Contoso Prod']]);
    expect(await listed(ann, roleHeld)).toEqual([['Contoso Prod', 'Fabrikam Own']]);
    expect(await listed(ann, roleRemoved)).toEqual([['Contoso Prod']]);
    expect(await listed(otto, roleHeld)).toEqual([['Other Prod']]);
  });
});
