import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { people } from '../support/tenants';
import { appForSuite } from '../support/app';

const REQUEST = `mutation ($input: RequestResellerRelationshipInput!) { requestResellerRelationship(input: $input) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId delegatedAdmin { status roles } } }`;
const PARTNERS = `{ partnerRelationships { partnerTenantId partnerName customerTenantId relationshipType since delegatedAdmin { status roles } } }`;
const CUSTOMER = `query ($id: ID!) { customer(tenantId: $id) { tenantId delegatedAdmin { status roles } services { name adminPortalUrl usable rule } } }`;
const REMOVE = `mutation ($partner: ID!, $confirm: Boolean!) { removeDelegatedAdminPrivileges(partnerTenantId: $partner, confirm: $confirm) { delegatedAdmin { status roles } relationshipType } }`;
const OPEN_SR = `mutation ($input: OpenServiceRequestInput!) { openServiceRequest(input: $input) { id title customerTenantId openedByUserId } }`;
const ACCESS = `query ($partner: ID!, $customer: ID!, $user: ID, $role: PartnerRole) {
  effectiveAccess(partnerTenantId: $partner, customerTenantId: $customer, userId: $user, role: $role) { capabilities { role action subscriptionId allowed reason rule } } }`;

const PROVISION = `mutation ($input: ProvisionAzureSubscriptionInput!) { provisionAzureSubscription(input: $input) { id } }`;
const ASSIGN = `mutation ($input: AssignSubscriptionRoleInput!) { assignSubscriptionRole(input: $input) { id } }`;
const DAP_ROLES = ['Global Administrator', 'Helpdesk Administrator'];
const SR = {
  customerTenantId: 'fabrikam',
  title: 'Mailbox full',
  description: 'Please raise the quota.',
};

describe('delegated admin privileges over GraphQL', () => {
  const app = appForSuite();
  let ann: string;
  let fay: string;

  const invite = async (includeDelegatedAdmin: boolean) =>
    (
      await app.gql(ann, REQUEST, {
        input: { includeDelegatedAdmin, customerTenantId: 'fabrikam' },
      })
    ).data.requestResellerRelationship.id as string;
  const headPosition = async () => {
    const status = await app.gql(
      await app.token(people.opal),
      '{ projectionStatus { checkpoint } }',
    );
    return Math.max(
      ...status.data.projectionStatus.map((p: { checkpoint: number }) => p.checkpoint),
    );
  };

  beforeAll(async () => {
    ann = await app.token(people.ann);
    fay = await app.token(people.fay);
  });

  it('R10–R16, R8: the whole story, from invitation with DAP to removal and back; the Customers page follows (R16)', async () => {
    const accepted = await app.gql(fay, ACCEPT, { id: await invite(true) });
    expect(accepted.data.acceptResellerInvitation.delegatedAdmin).toEqual({
      status: 'ACTIVE',
      roles: DAP_ROLES,
    });

    const partners = await app.gql(fay, PARTNERS);
    expect(partners.data.partnerRelationships).toEqual([
      expect.objectContaining({
        partnerTenantId: 'contoso-partners',
        partnerName: 'Contoso Partners',
        relationshipType: 'RESELLER',
        delegatedAdmin: { status: 'ACTIVE', roles: DAP_ROLES },
      }),
    ]);
    const customer = (await app.gql(ann, CUSTOMER, { id: 'fabrikam' })).data.customer;
    expect(customer.delegatedAdmin.status).toBe('ACTIVE');
    expect(customer.services.map((s: { name: string }) => s.name)).toEqual([
      'Azure Active Directory',
      'Microsoft 365',
      'Exchange',
      'SharePoint',
      'Teams',
      'Azure',
    ]);
    expect(customer.services.filter((s: { usable: boolean }) => s.usable)).toHaveLength(5);
    expect(customer.services.find((s: { name: string }) => s.name === 'Azure')).toMatchObject({
      usable: false,
      rule: 'R21',
    });

    expect((await app.gql(ann, OPEN_SR, { input: SR })).errors).toBeUndefined();

    const before = await headPosition();
    const unconfirmed = await app.gql(fay, REMOVE, { partner: 'contoso-partners', confirm: false });
    expect(unconfirmed.errors?.[0].extensions).toEqual({
      code: 'CONFIRMATION_REQUIRED',
      rule: 'R12',
    });
    expect(await headPosition()).toBe(before);
    expect((await app.gql(fay, PARTNERS)).data.partnerRelationships[0].delegatedAdmin.status).toBe(
      'ACTIVE',
    );

    const removed = await app.gql(fay, REMOVE, { partner: 'contoso-partners', confirm: true });
    expect(removed.data.removeDelegatedAdminPrivileges).toEqual({
      delegatedAdmin: { status: 'REMOVED', roles: [] },
      relationshipType: 'RESELLER',
    });

    const refused = await app.gql(ann, OPEN_SR, { input: SR });
    expect(refused.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R13' });
    expect(refused.errors?.[0].message).toMatch(/new invitation that includes DAP/);

    expect((await app.gql(fay, PARTNERS)).data.partnerRelationships[0].delegatedAdmin).toEqual({
      status: 'REMOVED',
      roles: [],
    });
    const page = (await app.gql(ann, CUSTOMER, { id: 'fabrikam' })).data.customer;
    expect(page.delegatedAdmin.status).toBe('REMOVED');
    expect(page.services.filter((s: { usable: boolean }) => s.usable)).toEqual([]);

    const renegotiated = await app.gql(fay, ACCEPT, { id: await invite(true) });
    expect(renegotiated.data.acceptResellerInvitation.delegatedAdmin.status).toBe('ACTIVE');
    expect((await app.gql(ann, OPEN_SR, { input: SR })).errors).toBeUndefined();
  });

  it('R8: accepting another invitation without DAP changes nothing but the invitation', async () => {
    const before = (await app.gql(fay, PARTNERS)).data.partnerRelationships;
    expect((await app.gql(fay, ACCEPT, { id: await invite(false) })).errors).toBeUndefined();
    expect((await app.gql(fay, PARTNERS)).data.partnerRelationships).toEqual(before);
  });

  it('R11: the customer’s directory roles (Global and Helpdesk Administrator) never list the partner', async () => {
    const hugo = {
      ...people.fay,
      sub: 'hugo',
      name: 'Hugo',
      roles: ['GlobalAdmin', 'HelpdeskAdmin'],
    };
    // A user is listed once they caused an event: Hugo accepts an invitation without DAP (R8).
    const accepted = await app.gql(await app.token(hugo), ACCEPT, { id: await invite(false) });
    expect(accepted.errors).toBeUndefined();
    const roles = await app.gql(fay, '{ directoryRoles { role members { userId name } } }');
    expect(roles.data.directoryRoles).toEqual([
      {
        role: 'Global Administrator',
        members: [
          { userId: 'fay', name: 'Fay' },
          { userId: 'hugo', name: 'Hugo' },
        ],
      },
      { role: 'Helpdesk Administrator', members: [{ userId: 'hugo', name: 'Hugo' }] },
    ]);
  });

  it('R11: one role’s members are paged for the customer’s Global admin alone; an unknown role or cursor is refused', async () => {
    const MEMBERS = `query ($role: String!, $first: Int, $after: String) {
      directoryRoleMembers(role: $role, first: $first, after: $after) { nodes { userId } pageInfo { endCursor } } }`;
    const first = await app.gql(fay, MEMBERS, { role: 'Helpdesk Administrator', first: 1 });
    expect(first.data.directoryRoleMembers.nodes).toEqual([{ userId: 'hugo' }]);
    const refusals = [
      [ann, { role: 'Global Administrator' }, { code: 'FORBIDDEN', rule: 'R11' }],
      [fay, { role: 'Global Admin' }, { code: 'INVALID_INPUT', rule: 'R11' }],
      [fay, { role: 'Global Administrator', after: 'not-a-cursor' }, { code: 'INVALID_INPUT' }],
      [fay, { role: 'Global Administrator', first: 501 }, { code: 'INVALID_INPUT' }],
    ] as const;
    for (const [caller, variables, extensions] of refusals) {
      const refused = await app.gql(caller, MEMBERS, variables);
      expect(refused.data).toBeNull();
      expect(refused.errors?.[0].extensions).toEqual(extensions);
    }
  });

  it('R14: a Helpdesk agent may open service requests, a Sales agent may not', async () => {
    const hal = await app.gql(await app.token(people.hal), OPEN_SR, { input: SR });
    expect(hal.data.openServiceRequest).toMatchObject({
      title: 'Mailbox full',
      openedByUserId: 'hal',
    });
    const sam = await app.gql(await app.token(people.sam), OPEN_SR, { input: SR });
    expect(sam.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R14' });
  });

  it('R14 (revised 2026-11-30): with DAP a Helpdesk agent’s Customers page opens the Microsoft 365 admin portals, a Sales agent’s does not', async () => {
    const usableFor = async (person: (typeof people)['hal']) =>
      (await app.gql(await app.token(person), CUSTOMER, { id: 'fabrikam' })).data.customer.services
        .filter((service: { usable: boolean }) => service.usable)
        .map((service: { name: string }) => service.name);
    expect(await usableFor(people.hal)).toEqual([
      'Azure Active Directory',
      'Microsoft 365',
      'Exchange',
      'SharePoint',
      'Teams',
    ]);
    expect(await usableFor(people.sam)).toEqual([]);
  });

  it('R17: a second customer and a second partner see none of this pair’s rows', async () => {
    const wes = await app.token(people.wes);
    const otto = await app.token(people.otto);
    expect((await app.gql(wes, PARTNERS)).data.partnerRelationships).toEqual([]);
    expect((await app.gql(otto, CUSTOMER, { id: 'fabrikam' })).data.customer).toBeNull();
    expect((await app.gql(otto, '{ customers { totalCount } }')).data.customers.totalCount).toBe(0);
    const access = await app.gql(wes, ACCESS, {
      partner: 'contoso-partners',
      customer: 'fabrikam',
    });
    expect(access.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const ottoAccess = await app.gql(otto, ACCESS, {
      partner: 'contoso-partners',
      customer: 'fabrikam',
    });
    expect(ottoAccess.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const ottoRemove = await app.gql(otto, REMOVE, { partner: 'contoso-partners', confirm: true });
    expect(ottoRemove.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R12' });
    const ottoSr = await app.gql(otto, OPEN_SR, { input: SR });
    expect(ottoSr.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('R15: a customer user without GlobalAdmin is refused', async () => {
    const fred = await app.token(people.fred);
    expect((await app.gql(fred, PARTNERS)).errors?.[0].extensions).toEqual({
      code: 'FORBIDDEN',
      rule: 'R15',
    });
    expect(
      (await app.gql(fred, REMOVE, { partner: 'contoso-partners', confirm: true })).errors?.[0]
        .extensions,
    ).toEqual({
      code: 'FORBIDDEN',
      rule: 'R12',
    });
    const access = await app.gql(fred, ACCESS, {
      partner: 'contoso-partners',
      customer: 'fabrikam',
    });
    expect(access.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R40' });
  });

  it('R40: effectiveAccess for a user keeps the roles that user last presented (its own token, when it asks about itself); users that recorded nothing are NOT_FOUND', async () => {
    const forHal = await app.gql(fay, ACCESS, {
      partner: 'contoso-partners',
      customer: 'fabrikam',
      user: 'hal',
    });
    const roles = new Set(
      forHal.data.effectiveAccess.capabilities.map((c: { role: string }) => c.role),
    );
    expect([...roles]).toEqual(['HELPDESK_AGENT']);
    const unknown = await app.gql(fay, ACCESS, {
      partner: 'contoso-partners',
      customer: 'fabrikam',
      user: 'nobody',
    });
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    // A user that recorded nothing yet, asking about itself, is answered from the token it presents.
    const quinn = await app.token({ ...people.hal, sub: 'quinn', name: 'Quinn' });
    const forQuinn = await app.gql(quinn, ACCESS, {
      partner: 'contoso-partners',
      customer: 'fabrikam',
      user: 'quinn',
    });
    expect(
      new Set(forQuinn.data.effectiveAccess.capabilities.map((c: { role: string }) => c.role)),
    ).toEqual(new Set(['HELPDESK_AGENT']));
    const aboutQuinn = await app.gql(fay, ACCESS, {
      partner: 'contoso-partners',
      customer: 'fabrikam',
      user: 'quinn',
    });
    expect(aboutQuinn.errors?.[0]).toMatchObject({
      message:
        'No partner user "quinn" has recorded a change in this partner tenant, so the roles it holds are not known.',
      extensions: { code: 'NOT_FOUND' },
    });
    const oneRole = await app.gql(ann, ACCESS, {
      partner: 'contoso-partners',
      customer: 'fabrikam',
      role: 'SALES_AGENT',
    });
    const capabilities = oneRole.data.effectiveAccess.capabilities;
    expect(capabilities.every((c: { role: string }) => c.role === 'SALES_AGENT')).toBe(true);
    // R14: Sales agents get nothing from DAP; R22: they may still provision subscriptions.
    const allowed = (action: string) =>
      capabilities.find((c: { action: string }) => c.action === action).allowed;
    expect(
      ['MANAGE_DIRECTORY', 'USE_ADMIN_PORTALS', 'OPEN_SERVICE_REQUEST', 'HELPDESK_ACTIONS'].map(
        allowed,
      ),
    ).toEqual([false, false, false, false]);
    expect(allowed('PROVISION_SUBSCRIPTION')).toBe(true);
  });
});

describe('effectiveAccess agrees with the commands in every state (R40)', () => {
  const app = appForSuite();

  let granted = 0;
  const agents = {
    ADMIN_AGENT: people.ann,
    HELPDESK_AGENT: people.hal,
    SALES_AGENT: people.sam,
  } as const;

  /** The command's outcome (allowed, or the rule that refused it) must be what was predicted. */
  function expectSame(
    context: Record<string, unknown>,
    predicted: { allowed: boolean; rule: string },
    actual: { errors?: { extensions?: { rule?: string } }[] },
  ) {
    const outcome = {
      allowed: actual.errors === undefined,
      rule: actual.errors?.[0].extensions?.rule ?? predicted.rule,
    };
    expect({ ...context, ...outcome }).toEqual({
      ...context,
      allowed: predicted.allowed,
      rule: predicted.rule,
    });
  }

  async function expectAgreement(state: string) {
    for (const [role, claims] of Object.entries(agents)) {
      const token = await app.token(claims);
      const report = await app.gql(token, ACCESS, {
        partner: 'contoso-partners',
        customer: 'fabrikam',
        role,
      });
      const capabilities: {
        action: string;
        subscriptionId: string | null;
        allowed: boolean;
        rule: string;
      }[] = report.data.effectiveAccess.capabilities;
      const predicted = (action: string, subscriptionId: string | null = null) =>
        capabilities.find((c) => c.action === action && c.subscriptionId === subscriptionId)!;

      expectSame(
        { state, role, action: 'OPEN_SERVICE_REQUEST' },
        predicted('OPEN_SERVICE_REQUEST'),
        await app.gql(token, OPEN_SR, { input: SR }),
      );
      expectSame(
        { state, role, action: 'PROVISION_SUBSCRIPTION' },
        predicted('PROVISION_SUBSCRIPTION'),
        await app.gql(token, PROVISION, {
          input: { customerTenantId: 'fabrikam', displayName: `${role} in ${state}` },
        }),
      );
      for (const { subscriptionId } of capabilities.filter(
        (c) => c.action === 'MANAGE_SUBSCRIPTION_ACCESS',
      )) {
        const grant = await app.gql(token, ASSIGN, {
          input: {
            subscriptionId,
            principal: { kind: 'CUSTOMER_USER', userId: `user-${++granted}` },
            role: 'READER',
          },
        });
        expectSame(
          { state, role, action: 'MANAGE_SUBSCRIPTION_ACCESS', subscriptionId },
          predicted('MANAGE_SUBSCRIPTION_ACCESS', subscriptionId),
          grant,
        );
      }

      const page = (await app.gql(token, CUSTOMER, { id: 'fabrikam' })).data.customer;
      const usable = page
        ? page.services.filter(
            (s: { name: string; usable: boolean }) => s.name !== 'Azure' && s.usable,
          ).length > 0
        : false;
      expect({ state, role, usable }).toEqual({
        state,
        role,
        usable: predicted('USE_ADMIN_PORTALS').allowed,
      });
    }
  }

  it('no relationship → with DAP → DAP removed → without DAP renegotiated → with DAP again', async () => {
    const ann = await app.token(people.ann);
    const fay = await app.token(people.fay);
    await expectAgreement('no relationship');
    const invite = async (dap: boolean) =>
      (await app.gql(ann, REQUEST, { input: { includeDelegatedAdmin: dap } })).data
        .requestResellerRelationship.id;
    await app.gql(fay, ACCEPT, { id: await invite(true) });
    await expectAgreement('DAP active');
    await app.gql(fay, REMOVE, { partner: 'contoso-partners', confirm: true });
    await expectAgreement('DAP removed');
    await app.gql(fay, ACCEPT, { id: await invite(false) });
    await expectAgreement('invitation without DAP accepted after removal');
    await app.gql(fay, ACCEPT, { id: await invite(true) });
    await expectAgreement('DAP renegotiated');
  });
});

describe('concurrency and live updates', () => {
  const app = appForSuite();

  it('R13: no service request is recorded after the removal’s position, however they interleave', async () => {
    const ann = await app.token(people.ann);
    const hal = await app.token(people.hal);
    const fay = await app.token(people.fay);
    const id = (await app.gql(ann, REQUEST, { input: {} })).data.requestResellerRelationship.id;
    await app.gql(fay, ACCEPT, { id });

    const requests = Array.from({ length: 40 }, (_, n) =>
      app.gql(n % 2 ? ann : hal, OPEN_SR, { input: SR }),
    );
    const removal = app.gql(fay, REMOVE, { partner: 'contoso-partners', confirm: true });
    const results = await Promise.all([...requests, removal]);
    expect(results.at(-1)?.errors).toBeUndefined();
    results.slice(0, -1).forEach((result) => {
      if (result.errors)
        expect(result.errors[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R13' });
    });

    const store = app.app.get<EventStore>(EVENT_STORE);
    const dap = await store.readStream('dapgrant-contoso-partners_fabrikam');
    const removedAt = dap.find((event) => event.type === 'DelegatedAdminRemoved')?.position;
    expect(removedAt).toBeDefined();
    const recorded = await store.readStream('servicerequests-contoso-partners_fabrikam');
    const opened = recorded.filter((event) => event.type === 'ServiceRequestOpened');
    expect(opened.every((event) => event.position < (removedAt ?? 0))).toBe(true);
    expect(opened).toHaveLength(results.slice(0, -1).filter((result) => !result.errors).length);
  });

  it('partnerRelationshipsChanged tells the customer’s open page when its row changes', async () => {
    const ann = await app.token(people.ann);
    const wes = await app.token(people.wes);
    const client = createClient({
      url: `${app.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${wes}` },
    });
    const received: unknown[] = [];
    const subscribed = new Promise<void>((resolve, reject) => {
      const dispose = client.subscribe(
        {
          query:
            'subscription { partnerRelationshipsChanged { partnerTenantId customerTenantId delegatedAdmin { status } } }',
        },
        {
          next: (value) => {
            received.push(value.data);
            if (JSON.stringify(value.data).includes('ACTIVE')) {
              dispose();
              resolve();
            }
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const id = (await app.gql(ann, REQUEST, { input: {} })).data.requestResellerRelationship.id;
    await app.gql(wes, ACCEPT, { id });
    await subscribed;
    await client.dispose();
    const row = { partnerTenantId: 'contoso-partners', customerTenantId: 'woodgrove' };
    expect(received.length).toBeGreaterThanOrEqual(1);
    received.forEach((message) =>
      expect(message).toMatchObject({ partnerRelationshipsChanged: row }),
    );
    expect(received.at(-1)).toEqual({
      partnerRelationshipsChanged: { ...row, delegatedAdmin: { status: 'ACTIVE' } },
    });
  });
});
