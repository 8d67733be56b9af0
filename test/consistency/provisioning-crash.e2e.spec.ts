import type { Actor } from '../../src/platform/domain/actor';
import { streamIds } from '../../src/platform/domain/streams';
import { relationshipDecider } from '../../src/invitations/domain/relationship.decider';
import { AggregateStore } from '../../src/platform/write/aggregate-store';
import { subscriptionRbacDecider } from '../../src/azure-subscriptions/domain/subscription-rbac.decider';
import { appForSuite, acceptedCustomers } from '../support/app';
import { people } from '../support/tenants';

const PROVISION = `mutation ($input: ProvisionAzureSubscriptionInput!) { provisionAzureSubscription(input: $input) { id } }`;
const END = `mutation ($customer: ID!) { endResellerRelationship(customerTenantId: $customer) { tenantId } }`;
const LIST = `query ($customer: ID!) { azureSubscriptions(customerTenantId: $customer) { id } }`;

const SUBSCRIPTION_ID = '3f1c2a6e-2f7e-4b8a-9d61-5a1f0c7e9b20';

const ANN: Actor = {
  userId: 'ann',
  name: 'Ann',
  tenantId: 'contoso-partners',
  tenantKind: 'partner',
  tenantName: 'Contoso Partners',
  roles: ['AdminAgent'],
};

/**
 * Provisioning appends twice: the link on the pair's relationship stream (where R22 is decided,
 * ordered against R9's end), then the subscription's own stream. The README's consistency table
 * says why no policy finishes a provisioning that stopped in between: the link alone is no
 * subscription. These tests hold it to that.
 */
describe('a provisioning that stopped between its link and its subscription', () => {
  const app = appForSuite();
  let ann: string;

  beforeAll(async () => {
    ann = await app.token(people.ann);
    await acceptedCustomers(app, ann, 2);
  });

  it('R9: a subscription the partner did provision keeps the relationship from ending', async () => {
    const provisioned = await app.gql(ann, PROVISION, {
      input: { customerTenantId: 'customer-1', displayName: 'Prod' },
    });
    expect(provisioned.errors).toBeUndefined();
    const refused = await app.gql(ann, END, { customer: 'customer-1' });
    expect(refused.errors?.[0].extensions).toMatchObject({
      code: 'PRECONDITION_FAILED',
      rule: 'R9',
    });
  });

  it('R9, R22: a link whose subscription was never written is no subscription, and the end closes it', async () => {
    // The first append of ProvisionAzureSubscriptionHandler, and then the crash.
    const linked = await app.app.get(AggregateStore).decide(
      streamIds.relationship('contoso-partners', 'customer-0'),
      relationshipDecider,
      {
        type: 'LinkAzureSubscription',
        actor: ANN,
        partnerTenantId: 'contoso-partners',
        customerTenantId: 'customer-0',
        subscriptionId: SUBSCRIPTION_ID,
      },
      { actor: ANN, correlationId: 'crashed-provisioning' },
    );
    expect(linked.events.map((event) => event.type)).toEqual(['AzureSubscriptionLinked']);

    const listed = await app.gql(ann, LIST, { customer: 'customer-0' });
    expect(listed.data.azureSubscriptions).toEqual([]);
    const ended = await app.gql(ann, END, { customer: 'customer-0' });
    expect(ended.errors).toBeUndefined();
    // The end closed the id: the provisioning's second append, were it to come now, is refused.
    const late = app.app.get(AggregateStore).decide(
      streamIds.subscription(SUBSCRIPTION_ID),
      subscriptionRbacDecider,
      {
        type: 'ProvisionAzureSubscription',
        actor: ANN,
        subscriptionId: SUBSCRIPTION_ID,
        ownerAssignmentId: '9b0e8f2c-1d3a-4c5b-8e7f-6a5b4c3d2e1f',
        customerTenantId: 'customer-0',
        displayName: 'Late',
      },
      { actor: ANN, correlationId: 'crashed-provisioning' },
    );
    await expect(late).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', rule: 'R22' });
    expect((await app.gql(ann, LIST, { customer: 'customer-0' })).data.azureSubscriptions).toEqual(
      [],
    );
  });
});
