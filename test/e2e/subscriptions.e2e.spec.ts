import { people } from '../support/tenants';
import { acceptedCustomers, appForSuite } from '../support/app';

const REQUEST = `mutation { requestResellerRelationship(input: { customerTenantId: "fabrikam" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId } }`;
const SUBSCRIPTION_FIELDS = `id displayName customerTenantId provisionedByPartnerTenantId cancelled
  roleAssignments { id role roleDefinitionId principal { kind partnerTenantId group userId } }`;
const PROVISION = `mutation ($input: ProvisionAzureSubscriptionInput!) { provisionAzureSubscription(input: $input) { ${SUBSCRIPTION_FIELDS} } }`;
const REGISTER = `mutation ($input: RegisterAzureSubscriptionInput!) { registerAzureSubscription(input: $input) { ${SUBSCRIPTION_FIELDS} } }`;
const ASSIGN = `mutation ($input: AssignSubscriptionRoleInput!) { assignSubscriptionRole(input: $input) { ${SUBSCRIPTION_FIELDS} } }`;
const UNASSIGN = `mutation ($input: RemoveSubscriptionRoleAssignmentInput!) { removeSubscriptionRoleAssignment(input: $input) { id } }`;
const CANCEL = `mutation ($id: ID!) { cancelAzureSubscription(subscriptionId: $id) { cancelled } }`;
const LIST = `query ($customer: ID) { azureSubscriptions(customerTenantId: $customer) { ${SUBSCRIPTION_FIELDS} } }`;
const END = `mutation ($customer: ID!) { endResellerRelationship(customerTenantId: $customer) { relationshipActive delegatedAdmin { status } } }`;
const ACCESS = `query { effectiveAccess(partnerTenantId: "contoso-partners", customerTenantId: "fabrikam", role: ADMIN_AGENT) {
  capabilities { action subscriptionId allowed rule } } }`;
const REMOVE_DAP = `mutation { removeDelegatedAdminPrivileges(partnerTenantId: "contoso-partners", confirm: true) { delegatedAdmin { status } } }`;

const OWNER_ID = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const contosoAdmins = {
  kind: 'PARTNER_GROUP',
  partnerTenantId: 'contoso-partners',
  group: 'ADMIN_AGENTS',
};

describe('Azure subscriptions and their role assignments over GraphQL', () => {
  const app = appForSuite();
  let ann: string;
  let sam: string;
  let fay: string;

  const capability = async (action: string, subscriptionId: string) => {
    const report = await app.gql(fay, ACCESS);
    return report.data.effectiveAccess.capabilities.find(
      (c: { action: string; subscriptionId: string | null }) =>
        c.action === action && c.subscriptionId === subscriptionId,
    );
  };

  beforeAll(async () => {
    [ann, sam, fay] = await Promise.all([
      app.token(people.ann),
      app.token(people.sam),
      app.token(people.fay),
    ]);
  });

  it('R22: a Helpdesk agent may never provision: FORBIDDEN, with or without a relationship', async () => {
    const hal = await app.token(people.hal);
    const refused = await app.gql(hal, PROVISION, {
      input: { customerTenantId: 'fabrikam', displayName: 'Prod' },
    });
    expect(refused.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R22' });
  });

  it('R22: without a relationship, provisioning is refused with PRECONDITION_FAILED', async () => {
    const refused = await app.gql(ann, PROVISION, {
      input: { customerTenantId: 'fabrikam', displayName: 'Prod' },
    });
    expect(refused.errors?.[0].extensions).toEqual({ code: 'PRECONDITION_FAILED', rule: 'R22' });
  });

  it('R22–R25, R9: provision → Owner → DAP removed → still managed → assignment removed → refused → end', async () => {
    const id = (await app.gql(ann, REQUEST)).data.requestResellerRelationship.id;
    await app.gql(fay, ACCEPT, { id });

    const provisioned = (
      await app.gql(sam, PROVISION, {
        input: { customerTenantId: 'fabrikam', displayName: 'Prod' },
      })
    ).data.provisionAzureSubscription;
    expect(provisioned).toMatchObject({
      customerTenantId: 'fabrikam',
      provisionedByPartnerTenantId: 'contoso-partners',
    });
    expect(provisioned.roleAssignments).toEqual([
      expect.objectContaining({
        role: 'OWNER',
        roleDefinitionId: OWNER_ID,
        principal: { ...contosoAdmins, userId: null },
      }),
    ]);

    const page = (
      await app.gql(
        ann,
        '{ customer(tenantId: "fabrikam") { azureSubscriptions { id } services { name usable rule } } }',
      )
    ).data.customer;
    expect(page.azureSubscriptions).toEqual([{ id: provisioned.id }]);
    expect(page.services.find((s: { name: string }) => s.name === 'Azure')).toEqual({
      name: 'Azure',
      usable: true,
      rule: 'R23',
    });

    expect((await app.gql(fay, REMOVE_DAP)).errors).toBeUndefined();
    const afterRemoval = await app.gql(ann, ASSIGN, {
      input: {
        subscriptionId: provisioned.id,
        principal: {
          kind: 'PARTNER_GROUP',
          partnerTenantId: 'contoso-partners',
          group: 'HELPDESK_AGENTS',
        },
        role: 'READER',
      },
    });
    expect(afterRemoval.errors).toBeUndefined();
    expect(await capability('MANAGE_SUBSCRIPTION', provisioned.id)).toMatchObject({
      allowed: true,
      rule: 'R25',
    });

    const ownerAssignment = provisioned.roleAssignments[0].id;
    expect(
      (
        await app.gql(fay, UNASSIGN, {
          input: { subscriptionId: provisioned.id, assignmentId: ownerAssignment },
        })
      ).errors,
    ).toBeUndefined();
    const refused = await app.gql(ann, ASSIGN, {
      input: { subscriptionId: provisioned.id, principal: contosoAdmins, role: 'OWNER' },
    });
    expect(refused.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R24' });
    expect(await capability('MANAGE_SUBSCRIPTION', provisioned.id)).toMatchObject({
      allowed: false,
      rule: 'R21',
    });

    const blocked = await app.gql(ann, END, { customer: 'fabrikam' });
    expect(blocked.errors?.[0].extensions).toEqual({ code: 'PRECONDITION_FAILED', rule: 'R9' });
    expect(blocked.errors?.[0].message).toContain(provisioned.id);

    expect(
      (await app.gql(fay, CANCEL, { id: provisioned.id })).data.cancelAzureSubscription,
    ).toEqual({ cancelled: true });
    const ended = await app.gql(ann, END, { customer: 'fabrikam' });
    expect(ended.data.endResellerRelationship).toEqual({
      relationshipActive: false,
      delegatedAdmin: { status: 'REMOVED' },
    });
    expect((await app.gql(ann, '{ customers { totalCount } }')).data.customers.totalCount).toBe(0);
    expect(
      (await app.gql(fay, '{ partnerRelationships { partnerTenantId } }')).data
        .partnerRelationships,
    ).toEqual([]);
    const again = await app.gql(ann, PROVISION, {
      input: { customerTenantId: 'fabrikam', displayName: 'Again' },
    });
    expect(again.errors?.[0].extensions).toEqual({ code: 'PRECONDITION_FAILED', rule: 'R22' });
  });

  it('R9: ending the relationship also removes the partner’s DAP; a new invitation re-establishes it', async () => {
    const wes = await app.token(people.wes);
    const id = (await app.gql(ann, 'mutation { requestResellerRelationship(input: {}) { id } }'))
      .data.requestResellerRelationship.id;
    await app.gql(wes, ACCEPT, { id });
    const ended = await app.gql(ann, END, { customer: 'woodgrove' });
    expect(ended.data.endResellerRelationship).toEqual({
      relationshipActive: false,
      delegatedAdmin: { status: 'REMOVED' },
    });
    const sr = await app.gql(
      ann,
      `mutation { openServiceRequest(input: { customerTenantId: "woodgrove", title: "t", description: "d" }) { id } }`,
    );
    expect(sr.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const again = await app.gql(ann, END, { customer: 'woodgrove' });
    expect(again.errors?.[0].extensions).toEqual({ code: 'PRECONDITION_FAILED', rule: 'R9' });
    // The ended relationship is still the partner's to look up, as the page's relationshipActive: false lists it.
    const CUSTOMER =
      '{ customer(tenantId: "woodgrove") { relationshipActive delegatedAdmin { status } } }';
    expect((await app.gql(ann, CUSTOMER)).data.customer).toEqual({
      relationshipActive: false,
      delegatedAdmin: { status: 'REMOVED' },
    });
    const renewed = (
      await app.gql(ann, 'mutation { requestResellerRelationship(input: {}) { id } }')
    ).data.requestResellerRelationship.id;
    await app.gql(wes, ACCEPT, { id: renewed });
    expect(
      (
        await app.gql(
          ann,
          '{ customer(tenantId: "woodgrove") { relationshipActive delegatedAdmin { status } } }',
        )
      ).data.customer,
    ).toEqual({
      relationshipActive: true,
      delegatedAdmin: { status: 'ACTIVE' },
    });
  });

  it('R9: only an Admin Agent may end a relationship', async () => {
    const refused = await app.gql(sam, END, { customer: 'woodgrove' });
    expect(refused.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R9' });
  });

  it('R21, R17: a customer-registered subscription is never visible to, nor manageable by, the partner', async () => {
    const id = (await app.gql(ann, REQUEST)).data.requestResellerRelationship.id;
    await app.gql(fay, ACCEPT, { id });
    const own = (await app.gql(fay, REGISTER, { input: { displayName: 'Fabrikam own' } })).data
      .registerAzureSubscription;
    expect(own).toMatchObject({ provisionedByPartnerTenantId: null, roleAssignments: [] });

    expect(
      (await app.gql(ann, LIST, { customer: 'fabrikam' })).data.azureSubscriptions.map(
        (s: { id: string }) => s.id,
      ),
    ).not.toContain(own.id);
    const assign = await app.gql(ann, ASSIGN, {
      input: { subscriptionId: own.id, principal: contosoAdmins, role: 'OWNER' },
    });
    expect(assign.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(await capability('MANAGE_SUBSCRIPTION', own.id)).toMatchObject({
      allowed: false,
      rule: 'R21',
    });
    const otto = await app.token(people.otto);
    expect((await app.gql(otto, LIST, { customer: 'fabrikam' })).data.azureSubscriptions).toEqual(
      [],
    );
    const wes = await app.token(people.wes);
    expect((await app.gql(wes, LIST, { customer: 'fabrikam' })).data.azureSubscriptions).toEqual(
      [],
    );
    expect(
      (await app.gql(fay, LIST)).data.azureSubscriptions.map((s: { id: string }) => s.id),
    ).toContain(own.id);
  });

  it('R17: naming no customer, a partner lists what it sees in every customer, by name, and the connection counts them; another partner none of it', async () => {
    await acceptedCustomers(app, ann, 2);
    const provision = async (customerTenantId: string, displayName: string) =>
      (await app.gql(ann, PROVISION, { input: { customerTenantId, displayName } })).data
        .provisionAzureSubscription.id as string;
    const zeta = await provision('customer-0', 'Zeta');
    const alpha = await provision('customer-1', 'Alpha');
    const everywhere = (await app.gql(ann, LIST)).data.azureSubscriptions as {
      id: string;
      customerTenantId: string;
    }[];
    const ids = everywhere.map((s) => s.id);
    expect(ids.indexOf(alpha)).toBeLessThan(ids.indexOf(zeta));
    expect(everywhere.map((s) => s.customerTenantId)).toEqual(
      expect.arrayContaining(['customer-0', 'customer-1']),
    );
    const connection = await app.gql(
      ann,
      '{ azureSubscriptionsConnection(first: 1) { totalCount pageInfo { hasNextPage } } }',
    );
    expect(connection.data.azureSubscriptionsConnection).toEqual({
      totalCount: everywhere.length,
      pageInfo: { hasNextPage: true },
    });
    const otto = await app.token(people.otto);
    expect((await app.gql(otto, LIST)).data.azureSubscriptions).toEqual([]);
  });

  it('R24: the customer grants the partner Contributor; Contributor manages resources but not access', async () => {
    const own = (await app.gql(fay, REGISTER, { input: { displayName: 'Shared' } })).data
      .registerAzureSubscription;
    const granted = await app.gql(fay, ASSIGN, {
      input: { subscriptionId: own.id, principal: contosoAdmins, role: 'CONTRIBUTOR' },
    });
    expect(granted.errors).toBeUndefined();
    expect(await capability('MANAGE_SUBSCRIPTION', own.id)).toMatchObject({
      allowed: true,
      rule: 'R25',
    });
    expect(await capability('MANAGE_SUBSCRIPTION_ACCESS', own.id)).toMatchObject({
      allowed: false,
      rule: 'R24',
    });
    const refused = await app.gql(ann, ASSIGN, {
      input: {
        subscriptionId: own.id,
        principal: { kind: 'CUSTOMER_USER', userId: 'fred' },
        role: 'READER',
      },
    });
    expect(refused.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R24' });
    const invalid = await app.gql(fay, ASSIGN, {
      input: { subscriptionId: own.id, principal: { kind: 'CUSTOMER_USER' }, role: 'READER' },
    });
    expect(invalid.errors?.[0].extensions).toEqual({ code: 'INVALID_INPUT', rule: 'R20' });
  });

  it('R17: a partner the customer gave a role on a subscription another partner provisioned is not told that partner', async () => {
    const provisioned = (
      await app.gql(ann, PROVISION, {
        input: { customerTenantId: 'fabrikam', displayName: 'Provisioned by Contoso' },
      })
    ).data.provisionAzureSubscription;
    expect(provisioned.provisionedByPartnerTenantId).toBe('contoso-partners');
    const otto = await app.token(people.otto);
    const others = {
      kind: 'PARTNER_GROUP',
      partnerTenantId: 'other-partners',
      group: 'ADMIN_AGENTS',
    };
    const granted = await app.gql(fay, ASSIGN, {
      input: { subscriptionId: provisioned.id, principal: others, role: 'READER' },
    });
    expect(granted.errors).toBeUndefined();
    const seen = (await app.gql(otto, LIST, { customer: 'fabrikam' })).data.azureSubscriptions.find(
      (s: { id: string }) => s.id === provisioned.id,
    );
    expect(seen).toMatchObject({ provisionedByPartnerTenantId: null });
    expect(JSON.stringify(seen)).not.toContain('contoso-partners');
    // Its own partner and the customer still see who provisioned it.
    for (const token of [ann, fay]) {
      const listed = (await app.gql(token, LIST, { customer: 'fabrikam' })).data.azureSubscriptions;
      expect(listed.find((s: { id: string }) => s.id === provisioned.id)).toMatchObject({
        provisionedByPartnerTenantId: 'contoso-partners',
      });
    }
  });

  it('R24, R25, R17: a customer user who is not Global admin sees only the subscriptions it holds a role on; its command on another is still FORBIDDEN', async () => {
    const fred = await app.token(people.fred);
    const listOf = async (token: string) =>
      ((await app.gql(token, LIST)).data.azureSubscriptions as { id: string }[]).map(
        ({ id }) => id,
      );
    const connection = `{ azureSubscriptionsConnection { totalCount nodes { id } } }`;
    const mine = (await app.gql(fay, REGISTER, { input: { displayName: 'Fred reads this' } })).data
      .registerAzureSubscription.id as string;
    const other = (await app.gql(fay, REGISTER, { input: { displayName: 'Not for Fred' } })).data
      .registerAzureSubscription.id as string;
    expect(await listOf(fred)).toEqual([]);
    expect((await app.gql(fred, connection)).data.azureSubscriptionsConnection).toEqual({
      totalCount: 0,
      nodes: [],
    });

    const granted = await app.gql(fay, ASSIGN, {
      input: {
        subscriptionId: mine,
        principal: { kind: 'CUSTOMER_USER', userId: 'fred' },
        role: 'READER',
      },
    });
    expect(granted.errors).toBeUndefined();
    expect(await listOf(fred)).toEqual([mine]);
    expect((await app.gql(fred, connection)).data.azureSubscriptionsConnection).toEqual({
      totalCount: 1,
      nodes: [{ id: mine }],
    });
    expect(await listOf(fay)).toEqual(expect.arrayContaining([mine, other]));
    const refused = await app.gql(fred, ASSIGN, {
      input: {
        subscriptionId: other,
        principal: { kind: 'CUSTOMER_USER', userId: 'fred' },
        role: 'OWNER',
      },
    });
    expect(refused.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R24' });
  });
});
