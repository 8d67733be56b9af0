import { randomUUID } from 'node:crypto';
import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import { GdapScheduler } from '../../src/gdap/gdap-scheduler';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { people } from '../support/tenants';
import { removeDataDir, startApp, type TestApp } from '../support/app';

const REQUEST = `mutation { requestResellerRelationship(input: { includeDelegatedAdmin: true }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId } }`;
const REMOVE = `mutation { removeDelegatedAdminPrivileges(partnerTenantId: "contoso-partners", confirm: true) { since } }`;
const FEED = `subscription { customersChanged { tenantId delegatedAdmin { status } services { name usable } } }`;
const AZURE_FEED = `subscription { customersChanged { tenantId azureSubscriptions { displayName } services { name usable } } }`;
const PARTNERS_FEED = `subscription { partnerRelationshipsChanged { partnerTenantId relationshipActive delegatedAdmin { status } serviceRequestCount } }`;
const OPEN_SR = `mutation { openServiceRequest(input: { customerTenantId: "fabrikam", title: "Mailbox", description: "Raise the quota" }) { id } }`;
const END = `mutation { endResellerRelationship(customerTenantId: "woodgrove") { tenantId } }`;
const HELPDESK = DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR.roleTemplateId;
const GDAP_FEED = `subscription { customersChanged { tenantId gdapAccess { relationshipId securityGroupId } } }`;
const GDAP_CREATE = `mutation ($name: String!) { createDelegatedAdminRelationship(input: { customerTenantId: "fabrikam", displayName: $name, duration: "P90D", roles: [{ roleTemplateId: "${HELPDESK}" }] }) { id } }`;
const GDAP_CREATE_FOR = `mutation ($customer: ID!) { createDelegatedAdminRelationship(input: { customerTenantId: $customer, displayName: "Listing", duration: "P90D", roles: [{ roleTemplateId: "${HELPDESK}" }] }) { id } }`;
const LISTING_FEED = `subscription { customersChanged { tenantId relationshipType relationshipActive } }`;
const GDAP_REQUEST = `mutation ($id: ID!) { requestDelegatedAdminRelationshipApproval(input: { relationshipId: $id }) { id } }`;
const GDAP_APPROVE = `mutation ($id: ID!) { approveDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const GDAP_ASSIGN = `mutation ($id: ID!) { createDelegatedAdminAccessAssignment(input: { relationshipId: $id, securityGroupId: "HELPDESK_AGENTS", roleTemplateIds: ["${HELPDESK}"] }) { accessAssignments { id } } }`;
const GDAP_TERMINATE = `mutation ($id: ID!) { terminateDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('live pages: the partner’s Customers page (customersChanged) and the customer’s Partner relationships page (R16, R17)', () => {
  let app: TestApp;
  const clients: Client[] = [];

  function subscribe(token: string, query = FEED) {
    const client = createClient({
      url: `${app.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    clients.push(client);
    const received: unknown[] = [];
    const errors: unknown[] = [];
    client.subscribe(
      { query },
      {
        next: (value) => (value.errors ? errors.push(...value.errors) : received.push(value.data)),
        error: (error) => errors.push(error),
        complete: () => undefined,
      },
    );
    return { received, errors };
  }
  const until = async (check: () => boolean) => {
    for (let waited = 0; !check() && waited < 5_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await app.close();
    removeDataDir(app.dataDir);
  });

  it('R16: tells the partner’s users when a customer accepts and when it removes DAP, each as that user sees the row; R17: other partners hear nothing', async () => {
    const ann = subscribe(await app.token(people.ann));
    const sam = subscribe(await app.token(people.sam));
    const otto = subscribe(await app.token(people.otto));
    await new Promise((resolve) => setTimeout(resolve, 200));

    const fay = await app.token(people.fay);
    const invitation = await app.gql(await app.token(people.ann), REQUEST);
    await app.gql(fay, ACCEPT, { id: invitation.data.requestResellerRelationship.id });
    await until(() => JSON.stringify(ann.received).includes('ACTIVE') && sam.received.length > 0);
    const usable = (message: unknown) =>
      (
        message as { customersChanged: { services: { name: string; usable: boolean }[] } }
      ).customersChanged.services.filter((service) => service.usable).length;
    const annActive = ann.received.find((m) => JSON.stringify(m).includes('ACTIVE'));
    expect(annActive).toMatchObject({
      customersChanged: { tenantId: 'fabrikam', delegatedAdmin: { status: 'ACTIVE' } },
    });
    // Admin Agent Ann may use the Microsoft 365 portals; Sales Agent Sam gets nothing from DAP.
    expect(usable(annActive)).toBe(5);
    const samActive = sam.received.find((m) => JSON.stringify(m).includes('ACTIVE'));
    expect(usable(samActive)).toBe(0);

    await app.gql(fay, REMOVE);
    await until(() => JSON.stringify(ann.received).includes('REMOVED'));
    expect(ann.received.at(-1)).toMatchObject({
      customersChanged: { tenantId: 'fabrikam', delegatedAdmin: { status: 'REMOVED' } },
    });
    expect(otto.received).toEqual([]);
    expect([ann.errors, sam.errors, otto.errors]).toEqual([[], [], []]);
  });

  it('R16, R17: an Azure subscription provisioned for a customer is pushed once, with the subscription and Azure usable, to the partner that provisioned it', async () => {
    const feed = subscribe(await app.token(people.ann), AZURE_FEED);
    const otto = subscribe(await app.token(people.otto), AZURE_FEED);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const provisioned = await app.gql(
      await app.token(people.ann),
      'mutation { provisionAzureSubscription(input: { customerTenantId: "fabrikam", displayName: "Prod" }) { id } }',
    );
    expect(provisioned.errors).toBeUndefined();
    await until(() => feed.received.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The provisioning and its role assignments are one batch: one push, as the row is after them.
    expect(feed.received).toEqual([
      {
        customersChanged: {
          tenantId: 'fabrikam',
          azureSubscriptions: [{ displayName: 'Prod' }],
          services: expect.arrayContaining([{ name: 'Azure', usable: true }]),
        },
      },
    ]);
    expect(otto.received).toEqual([]);
    expect([feed.errors, otto.errors]).toEqual([[], []]);
  });

  /** The customer accepts an invitation with DAP from Contoso, then follows its page live. */
  async function acceptedWithDapThenFollowed(customer: (typeof people)['fay']) {
    const token = await app.token(customer);
    const invitation = await app.gql(await app.token(people.ann), REQUEST);
    await app.gql(token, ACCEPT, { id: invitation.data.requestResellerRelationship.id });
    const feed = subscribe(token, PARTNERS_FEED);
    await pause(200);
    return feed;
  }

  /** Reads the messages of `feed` that hold `text`, once the first has arrived. */
  async function arrivedWith(feed: { received: unknown[] }, text: string) {
    const matching = () => feed.received.filter((m) => JSON.stringify(m).includes(text));
    await until(() => matching().length > 0);
    return matching;
  }

  it('R16: a service request opened changes the customer’s Partner relationships page (its count): the row is pushed with it', async () => {
    // DAP again (R8): the earlier test removed it, and a service request needs it (R13).
    const feed = await acceptedWithDapThenFollowed(people.fay);

    expect((await app.gql(await app.token(people.hal), OPEN_SR)).errors).toBeUndefined();
    const counted = await arrivedWith(feed, '"serviceRequestCount":1');
    expect(counted()).toEqual([
      {
        partnerRelationshipsChanged: {
          partnerTenantId: 'contoso-partners',
          relationshipActive: true,
          delegatedAdmin: { status: 'ACTIVE' },
          serviceRequestCount: 1,
        },
      },
    ]);
    expect(feed.errors).toEqual([]);
  });

  it('R9, R16: a partner ending the relationship leaves the customer’s page once, though the DAP removal that follows is recorded after it', async () => {
    const feed = await acceptedWithDapThenFollowed(people.wes);

    expect((await app.gql(await app.token(people.ann), END)).errors).toBeUndefined();
    const left = await arrivedWith(feed, '"relationshipActive":false');
    await pause(500);
    expect(left()).toHaveLength(1);
    expect(feed.errors).toEqual([]);
  });

  it('R16, R67: the partner’s GDAP access in a customer is pushed as it changes: assignment active, relationship ended', async () => {
    await app.app.get(GdapScheduler).stop(); // its passes are run here
    const ann = await app.token(people.ann);
    const fay = await app.token(people.fay);
    const feed = subscribe(ann, GDAP_FEED);
    await pause(200);
    const id: string = (await app.gql(ann, GDAP_CREATE, { name: randomUUID().slice(0, 8) })).data
      .createDelegatedAdminRelationship.id;
    await app.gql(ann, GDAP_REQUEST, { id });
    expect((await app.gql(fay, GDAP_APPROVE, { id })).errors).toBeUndefined();
    expect((await app.gql(ann, GDAP_ASSIGN, { id })).errors).toBeUndefined();
    await app.app.get(GdapScheduler).runDue(); // the assignment becomes active

    const held = await arrivedWith(feed, 'HELPDESK_AGENTS');
    expect(held()[0]).toEqual({
      customersChanged: {
        tenantId: 'fabrikam',
        gdapAccess: [{ relationshipId: id, securityGroupId: 'HELPDESK_AGENTS' }],
      },
    });
    const before = feed.received.length;
    expect((await app.gql(fay, GDAP_TERMINATE, { id })).errors).toBeUndefined();
    await until(() => feed.received.length > before);
    expect(feed.received.at(-1)).toEqual({
      customersChanged: { tenantId: 'fabrikam', gdapAccess: [] },
    });
    expect(feed.errors).toEqual([]);
  });

  it('R16, R62, R64: a customer on the page through GDAP alone is pushed when its approval lists it and when its termination takes it off', async () => {
    const otto = await app.token(people.otto);
    const wes = await app.token(people.wes);
    const feed = subscribe(otto, LISTING_FEED);
    await pause(200);
    const created = await app.gql(otto, GDAP_CREATE_FOR, { customer: 'woodgrove' });
    const { id } = created.data.createDelegatedAdminRelationship;
    await app.gql(otto, GDAP_REQUEST, { id });
    expect((await app.gql(wes, GDAP_APPROVE, { id })).errors).toBeUndefined();
    await until(() => feed.received.length > 0);
    const listed = {
      tenantId: 'woodgrove',
      relationshipType: 'GRANULAR_DELEGATED_ADMIN',
      relationshipActive: true,
    };
    expect(feed.received).toEqual([{ customersChanged: listed }]);
    expect((await app.gql(wes, GDAP_TERMINATE, { id })).errors).toBeUndefined();
    await until(() => feed.received.length > 1);
    await pause(200); // and nothing more follows that changes the row
    expect(feed.received.at(-1)).toEqual({
      customersChanged: { ...listed, relationshipActive: false },
    });
    expect(feed.errors).toEqual([]);
    const page = await app.gql(otto, `{ customers(first: 50) { nodes { tenantId } } }`);
    expect(page.data.customers.nodes).toEqual([]);
  });

  it('R11, R16, R67: both pages are pushed as GDAP changes what their rows show: a relationship created, an access assignment asked for, an auto-extension edited', async () => {
    const ann = await app.token(people.ann);
    const fay = await app.token(people.fay);
    const relationshipsOf = (row: string) =>
      `subscription { ${row} { delegatedAdminRelationships { id status autoExtendDuration accessAssignments { status } } } }`;
    await app.app.get(GdapScheduler).stop(); // the assignment stays pending: its own push
    // A reseller relationship puts each on the other's page, whatever the tests before did.
    const invitation = await app.gql(ann, REQUEST);
    await app.gql(fay, ACCEPT, { id: invitation.data.requestResellerRelationship.id });
    const customerFeed = subscribe(fay, relationshipsOf('partnerRelationshipsChanged'));
    const partnerFeed = subscribe(ann, relationshipsOf('customersChanged'));
    await pause(200);
    const pushed = async (text: string) => {
      expect((await arrivedWith(customerFeed, text))()).not.toEqual([]);
      expect((await arrivedWith(partnerFeed, text))()).not.toEqual([]);
    };
    const id: string = (await app.gql(ann, GDAP_CREATE, { name: randomUUID().slice(0, 8) })).data
      .createDelegatedAdminRelationship.id;
    await pushed(`"id":"${id}","status":"created"`);
    await app.gql(ann, GDAP_REQUEST, { id });
    expect((await app.gql(fay, GDAP_APPROVE, { id })).errors).toBeUndefined();
    expect((await app.gql(ann, GDAP_ASSIGN, { id })).errors).toBeUndefined();
    await pushed('"accessAssignments":[{"status":"pending"}]');
    const extended = await app.gql(
      ann,
      `mutation { updateDelegatedAdminRelationship(input: { relationshipId: "${id}", autoExtendDuration: "P180D" }) { id } }`,
    );
    expect(extended.errors).toBeUndefined();
    await pushed(`"id":"${id}","status":"active","autoExtendDuration":"P180D"`);
    expect([customerFeed.errors, partnerFeed.errors]).toEqual([[], []]);
  });

  it('R9, R15: an end that leaves the partner on the customer’s page through GDAP pushes its row once, though the DAP removal follows it', async () => {
    const feed = await acceptedWithDapThenFollowed(people.wes);
    const ann = await app.token(people.ann);
    const id: string = (
      await app.gql(ann, GDAP_CREATE.replace('fabrikam', 'woodgrove'), {
        name: randomUUID().slice(0, 8),
      })
    ).data.createDelegatedAdminRelationship.id;
    await app.gql(ann, GDAP_REQUEST, { id });
    expect(
      (await app.gql(await app.token(people.wes), GDAP_APPROVE, { id })).errors,
    ).toBeUndefined();
    await pause(300);
    const before = feed.received.length;

    expect((await app.gql(ann, END)).errors).toBeUndefined();
    await until(() => feed.received.length > before);
    await pause(500);
    expect(feed.received.slice(before)).toEqual([
      {
        partnerRelationshipsChanged: {
          partnerTenantId: 'contoso-partners',
          relationshipActive: true,
          delegatedAdmin: { status: 'NONE' },
          serviceRequestCount: expect.any(Number),
        },
      },
    ]);
    expect(feed.errors).toEqual([]);
  });

  it('R16, R17: a subscription the customer cancels leaves the row of every partner whose groups held a role on it, though the cancellation names none', async () => {
    const nina = {
      ...people.fay,
      sub: 'nina',
      name: 'Nina',
      tid: 'northwind',
      tenant_name: 'Northwind',
      tenant_domain: 'northwind.onmicrosoft.com',
    };
    const customer = await app.token(nina);
    const partners = [await app.token(people.ann), await app.token(people.otto)];
    for (const partner of partners) {
      const invitation = await app.gql(partner, REQUEST);
      await app.gql(customer, ACCEPT, { id: invitation.data.requestResellerRelationship.id });
    }
    const registered = await app.gql(
      customer,
      'mutation { registerAzureSubscription(input: { displayName: "Own" }) { id } }',
    );
    const id = registered.data.registerAzureSubscription.id as string;
    for (const partnerTenantId of ['contoso-partners', 'other-partners']) {
      const assigned = await app.gql(
        customer,
        `mutation { assignSubscriptionRole(input: { subscriptionId: "${id}", principal: { kind: PARTNER_GROUP, partnerTenantId: "${partnerTenantId}", group: ADMIN_AGENTS }, role: READER }) { id } }`,
      );
      expect(assigned.errors).toBeUndefined();
    }
    const feeds = partners.map((partner) => subscribe(partner, AZURE_FEED));
    await pause(200);

    const cancelled = await app.gql(
      customer,
      `mutation { cancelAzureSubscription(subscriptionId: "${id}") { cancelled } }`,
    );
    expect(cancelled.errors).toBeUndefined();
    for (const feed of feeds) {
      const northwind = () =>
        feed.received.filter((m) => JSON.stringify(m).includes('"tenantId":"northwind"'));
      await until(() => northwind().length > 0);
      expect(northwind()).toEqual([
        {
          customersChanged: expect.objectContaining({
            tenantId: 'northwind',
            azureSubscriptions: [],
          }),
        },
      ]);
      expect(feed.errors).toEqual([]);
    }
  });

  it('R16: a partner user holding no partner role is refused, for the feed and the page', async () => {
    const nora = await app.token({ ...people.ann, sub: 'nora', name: 'Nora', roles: [] });
    const feed = subscribe(nora);
    await until(() => feed.errors.length > 0);
    expect(feed.errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', rule: 'R16' } });
    const page = await app.gql(nora, '{ customers { totalCount } }');
    expect(page.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R16' });
  });
});
