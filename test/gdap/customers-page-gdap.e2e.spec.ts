import { GdapScheduler } from '../../src/gdap/gdap-scheduler';
import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import { appForSuite, describeOnBothStores } from '../support/app';
import { people } from '../support/tenants';
import { readModelsCaughtUp } from '../support/caught-up';

const INVITE = `mutation { requestResellerRelationship(input: { includeDelegatedAdmin: false, customerTenantId: "fabrikam" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId } }`;
const CREATE = `mutation ($input: CreateDelegatedAdminRelationshipInput!) { createDelegatedAdminRelationship(input: $input) { id } }`;
const REQUEST = `mutation ($id: ID!) { requestDelegatedAdminRelationshipApproval(input: { relationshipId: $id }) { id } }`;
const APPROVE = `mutation ($id: ID!) { approveDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const TERMINATE = `mutation ($id: ID!) { terminateDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const PAGE = `{ customers(first: 50) { nodes { tenantId delegatedAdminRelationships { displayName status } } } }`;

/**
 * R16, R67: the Customers page keeps each partner's decoded GDAP summaries while the partner's
 * count of summary changes holds (PairSummaryReader); every change, whoever makes it (the partner,
 * the customer, the scheduler), is on the partner's next page once the read models applied it.
 */
describeOnBothStores('the Customers page’s GDAP relationships as they change', (onEsdb) => {
  const app = appForSuite({ onEsdbDouble: onEsdb });
  let ann: string;
  let fay: string;

  beforeAll(async () => {
    [ann, fay] = await Promise.all([people.ann, people.fay].map(app.token));
    const invitation = await app.gql(ann, INVITE);
    await app.gql(fay, ACCEPT, { id: invitation.data.requestResellerRelationship.id });
  });

  /** What Ann's page shows for Fabrikam, once the read models applied everything recorded. */
  const fabrikamOnAnnsPage = async () => {
    await readModelsCaughtUp(app);
    const answer = await app.gql(ann, PAGE);
    expect(answer.errors).toBeUndefined();
    const row = answer.data.customers.nodes.find(
      (node: { tenantId: string }) => node.tenantId === 'fabrikam',
    );
    return row.delegatedAdminRelationships.map(
      (node: { displayName: string; status: string }) => `${node.displayName}: ${node.status}`,
    );
  };

  it('R16, R61–R64, R67: each change by the partner, the customer or the scheduler is on the next page', async () => {
    const before = await fabrikamOnAnnsPage();
    const created = await app.gql(ann, CREATE, {
      input: {
        customerTenantId: 'fabrikam',
        displayName: 'Page watch',
        duration: 'P90D',
        roles: [{ roleTemplateId: DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR.roleTemplateId }],
      },
    });
    expect(created.errors).toBeUndefined();
    const id = created.data.createDelegatedAdminRelationship.id;
    const watched = async () =>
      (await fabrikamOnAnnsPage()).filter((entry: string) => !before.includes(entry));

    expect(await watched()).toEqual(['Page watch: created']);
    expect(await watched()).toEqual(['Page watch: created']);
    await app.gql(ann, REQUEST, { id });
    expect(await watched()).toEqual(['Page watch: approvalPending']);
    // The customer's approval, then its termination: not Ann's writes.
    expect((await app.gql(fay, APPROVE, { id })).errors).toBeUndefined();
    expect(await watched()).toEqual(['Page watch: active']);
    expect((await app.gql(fay, TERMINATE, { id })).errors).toBeUndefined();
    // terminationRequested, then terminated by the scheduler (which a termination wakes at once).
    await app.app.get(GdapScheduler).runDue();
    expect(await watched()).toEqual(['Page watch: terminated']);
  });
});
