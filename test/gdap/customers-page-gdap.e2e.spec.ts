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
const ASSIGN = `mutation ($input: CreateDelegatedAdminAccessAssignmentInput!) { createDelegatedAdminAccessAssignment(input: $input) { id } }`;
const SERVICES = `{ customers(first: 100) { nodes { tenantId services { name usable } } } }`;
const FILTERED = `query ($filter: CustomerFilter) { customers(first: 100, filter: $filter) { totalCount nodes { tenantId } } }`;
const FAYS_PAGE = `query ($asOf: DateTime) { partnerRelationships(asOf: $asOf) { partnerTenantId delegatedAdminRelationships { displayName } } }`;
const CSV = `query ($filter: CustomerFilter) { customersCsv(first: 100, filter: $filter) { csv } }`;

/**
 * R16, R67: the Customers page keeps each partner's decoded GDAP summaries while the partner's
 * count of summary changes holds (PairSummaryReader); every change, whoever makes it (the partner,
 * the customer, the scheduler), is on the partner's next page once the read models applied it.
 */
describeOnBothStores('the Customers page’s GDAP relationships as they change', (onEsdb) => {
  const app = appForSuite({ onEsdbDouble: onEsdb });
  let ann: string;
  let fay: string;
  let hal: string;

  beforeAll(async () => {
    [ann, fay, hal] = await Promise.all([people.ann, people.fay, people.hal].map(app.token));
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

  /** Ann creates a 90-day relationship with Fabrikam asking for `role`. */
  const create = (displayName: string, role: { roleTemplateId: string }) =>
    app.gql(ann, CREATE, {
      input: {
        customerTenantId: 'fabrikam',
        displayName,
        duration: 'P90D',
        roles: [{ roleTemplateId: role.roleTemplateId }],
      },
    });

  it('R16, R61–R64, R67: each change by the partner, the customer or the scheduler is on the next page', async () => {
    const before = await fabrikamOnAnnsPage();
    const created = await create('Page watch', DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR);
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

  it('R16, R67: a service filter counts the GDAP roles the row’s services count', async () => {
    const created = await create('Mail desk', DIRECTORY_ROLES.EXCHANGE_ADMINISTRATOR);
    const id = created.data.createDelegatedAdminRelationship.id;
    await app.gql(ann, REQUEST, { id });
    expect((await app.gql(fay, APPROVE, { id })).errors).toBeUndefined();
    const assigned = await app.gql(ann, ASSIGN, {
      input: {
        relationshipId: id,
        securityGroupId: 'HELPDESK_AGENTS',
        roleTemplateIds: [DIRECTORY_ROLES.EXCHANGE_ADMINISTRATOR.roleTemplateId],
      },
    });
    expect(assigned.errors).toBeUndefined();
    await app.app.get(GdapScheduler).runDue();
    await readModelsCaughtUp(app);

    // Fabrikam has no DAP: Hal (a Helpdesk Agent) uses its portals through GDAP alone.
    const rows = (await app.gql(hal, SERVICES)).data.customers.nodes;
    const usableTo = (name: string) =>
      rows
        .filter((row: any) => row.services.find((service: any) => service.name === name).usable)
        .map((row: any) => row.tenantId);
    expect(usableTo('Exchange')).toContain('fabrikam');
    for (const usable of [true, false]) {
      const filter = { service: { name: 'Exchange', usable } };
      const page = (await app.gql(hal, FILTERED, { filter })).data.customers;
      const expected = rows
        .map((row: any) => row.tenantId)
        .filter((tenantId: string) => usableTo('Exchange').includes(tenantId) === usable);
      expect(page.nodes.map((node: any) => node.tenantId)).toEqual(expected);
      expect(page.totalCount).toBe(expected.length);
      const csv = (await app.gql(hal, CSV, { filter })).data.customersCsv.csv;
      expect(csv.includes('fabrikam')).toBe(usable);
    }
    // Ann's Admin Agents group holds no GDAP role here, and DAP is off: not usable to her.
    const anns = await app.gql(ann, FILTERED, {
      filter: { service: { name: 'Exchange', usable: true } },
    });
    expect(anns.data.customers.nodes.map((node: any) => node.tenantId)).not.toContain('fabrikam');
  });

  it('R15, R43: the Partner relationships page lists a partner’s GDAP relationships by display name, now as at asOf', async () => {
    for (const displayName of ['Zulu desk', 'Alpha desk', 'Mike desk']) {
      const created = await create(displayName, DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR);
      await app.gql(ann, REQUEST, { id: created.data.createDelegatedAdminRelationship.id });
    }
    await readModelsCaughtUp(app);
    const names = async (asOf?: string) => {
      const answer = await app.gql(fay, FAYS_PAGE, { asOf });
      expect(answer.errors).toBeUndefined();
      return answer.data.partnerRelationships
        .find((row: any) => row.partnerTenantId === 'contoso-partners')
        .delegatedAdminRelationships.map((node: any) => node.displayName);
    };
    const now = await names();
    expect(now).toEqual(expect.arrayContaining(['Alpha desk', 'Mike desk', 'Zulu desk']));
    expect(now).toEqual([...now].sort());
    expect(await names(new Date(app.clock.now().getTime() + 1).toISOString())).toEqual(now);
  });
});
