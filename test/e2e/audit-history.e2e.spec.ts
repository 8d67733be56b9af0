import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { appForSuite, removeDataDir, startApp, type TestApp } from '../support/app';
import { people } from '../support/tenants';

const REQUEST = `mutation ($input: RequestResellerRelationshipInput!) { requestResellerRelationship(input: $input) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId } }`;
const REMOVE = `mutation { removeDelegatedAdminPrivileges(partnerTenantId: "contoso-partners", confirm: true) { partnerTenantId } }`;
const OPEN_SR = `mutation { openServiceRequest(input: { customerTenantId: "fabrikam", title: "Mailbox full", description: "Raise the quota." }) { id } }`;
const HISTORY = `query ($id: String!) { history(streamId: $id) { position revision occurredAt type actor { userId tenantId } data stateAfter } }`;
const PARTNERS = `query ($asOf: DateTime) { partnerRelationships(asOf: $asOf) { partnerTenantId delegatedAdmin { status roles } } }`;
const CUSTOMERS = `query ($asOf: DateTime) { customers(asOf: $asOf) { totalCount nodes { tenantId delegatedAdmin { status } } } }`;
const APPENDED = `subscription ($filter: AuditFilter) { auditAppended(filter: $filter) { type summary actor { userId } customerTenantId } }`;

interface Entry {
  type: string;
  summary: string;
  actor: { userId: string };
}

const DAP_STREAM = 'dapgrant-contoso-partners_fabrikam';
const DAP_ROLES = ['Global Administrator', 'Helpdesk Administrator'];

describe('history, asOf and live audit entries over GraphQL', () => {
  const app = appForSuite();
  let ann: string;
  let fay: string;
  let invitationId: string;
  const moments: Record<string, string> = {};

  beforeAll(async () => {
    ann = await app.token(people.ann);
    fay = await app.token(people.fay);
    moments.beforeAnything = app.clock.now().toISOString();
    app.clock.advance(60_000);
    invitationId = (await app.gql(ann, REQUEST, { input: { customerTenantId: 'fabrikam' } })).data
      .requestResellerRelationship.id;
    app.clock.advance(60_000);
    await app.gql(fay, ACCEPT, { id: invitationId });
    app.clock.advance(60_000);
    moments.withDap = app.clock.now().toISOString();
    app.clock.advance(60_000);
    await app.gql(fay, REMOVE);
    app.clock.advance(60_000);
    moments.afterRemoval = app.clock.now().toISOString();
  });

  it('R43: history lists one aggregate’s events in order, each with the state after it', async () => {
    const history = (await app.gql(fay, HISTORY, { id: DAP_STREAM })).data.history;
    expect(history.map((event: { type: string }) => event.type)).toEqual([
      'DelegatedAdminGranted',
      'DelegatedAdminRemoved',
    ]);
    expect(history.map((event: { revision: number }) => event.revision)).toEqual([0, 1]);
    expect(history[0].position).toBeLessThan(history[1].position);
    expect(history[0]).toMatchObject({
      actor: { userId: 'fay', tenantId: 'fabrikam' },
      data: { partnerTenantId: 'contoso-partners', customerTenantId: 'fabrikam', invitationId },
      stateAfter: {
        status: 'ACTIVE',
        grantedByInvitationIds: [invitationId],
        grantedWithin: [invitationId],
      },
    });
    expect(history[1].stateAfter).toEqual({
      status: 'REMOVED',
      grantedByInvitationIds: [invitationId],
      grantedWithin: [invitationId],
      lastGrantedBy: invitationId,
    });

    const relationship = await app.gql(ann, HISTORY, {
      id: 'relationship-contoso-partners_fabrikam',
    });
    expect(relationship.data.history).toEqual([
      expect.objectContaining({
        type: 'RelationshipEstablished',
        stateAfter: expect.objectContaining({
          active: true,
          acceptedInvitationIds: [invitationId],
        }),
      }),
    ]);
    const invitation = (await app.gql(ann, HISTORY, { id: `invitation-${invitationId}` })).data
      .history;
    expect(invitation.at(-1).stateAfter).toMatchObject({
      outcome: 'ACCEPTED',
      acceptedBy: 'fabrikam',
      expiresAt: expect.stringMatching(/Z$/),
    });
  });

  it('R43: a stream name is read without regard to case or surrounding spaces, as the tenant ids in it are', async () => {
    const lower = await app.gql(fay, HISTORY, { id: DAP_STREAM });
    const upper = await app.gql(fay, HISTORY, { id: ` ${DAP_STREAM.toUpperCase()} ` });
    expect(upper.errors).toBeUndefined();
    expect(upper.data.history).toEqual(lower.data.history);
  });

  it('R43: history reads a window of the stream (fromRevision, maxCount) with the states of the whole', async () => {
    const WINDOW = `query ($id: String!, $from: Int, $max: Int) { history(streamId: $id, fromRevision: $from, maxCount: $max) { revision type stateAfter } }`;
    const whole = (await app.gql(fay, WINDOW, { id: DAP_STREAM })).data.history;
    expect((await app.gql(fay, WINDOW, { id: DAP_STREAM, from: 1 })).data.history).toEqual(
      whole.slice(1),
    );
    expect((await app.gql(fay, WINDOW, { id: DAP_STREAM, max: 1 })).data.history).toEqual(
      whole.slice(0, 1),
    );
    for (const window of [{ from: -1 }, { max: 0 }, { max: 1_001 }]) {
      const refused = await app.gql(fay, WINDOW, { id: DAP_STREAM, ...window });
      expect(refused.errors?.[0].extensions?.code).toBe('INVALID_INPUT');
    }
  });

  it('R42: history is for the pair’s own tenants and the Operator; anyone else gets NOT_FOUND', async () => {
    for (const claims of [people.ann, people.hal, people.fay, people.opal]) {
      const answer = await app.gql(await app.token(claims), HISTORY, { id: DAP_STREAM });
      expect({ who: claims.sub, errors: answer.errors }).toEqual({
        who: claims.sub,
        errors: undefined,
      });
    }
    for (const claims of [people.otto, people.wes, people.fred]) {
      const answer = await app.gql(await app.token(claims), HISTORY, { id: DAP_STREAM });
      expect({ who: claims.sub, code: answer.errors?.[0].extensions?.code }).toEqual({
        who: claims.sub,
        code: 'NOT_FOUND',
      });
    }
    const unknown = await app.gql(fay, HISTORY, { id: 'dapgrant-nobody_nowhere' });
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('R42, R17, R23: a subscription’s history shows a partner its own groups’ events only, never the customer’s own access', async () => {
    const registered = await app.gql(
      fay,
      `mutation { registerAzureSubscription(input: { displayName: "Own" }) { id } }`,
    );
    const id = registered.data.registerAzureSubscription.id as string;
    const assign = (principal: string, role: string) =>
      app.gql(
        fay,
        `mutation { assignSubscriptionRole(input: { subscriptionId: "${id}", principal: ${principal}, role: ${role} }) { id } }`,
      );
    const partnerGroup = `{ kind: PARTNER_GROUP, partnerTenantId: "contoso-partners", group: HELPDESK_AGENTS }`;
    expect((await assign(partnerGroup, 'READER')).errors).toBeUndefined();
    expect(
      (await assign(`{ kind: CUSTOMER_USER, userId: "cfo" }`, 'OWNER')).errors,
    ).toBeUndefined();

    const customers = await app.gql(fay, HISTORY, { id: `subscription-${id}` });
    expect(customers.data.history.map((event: { type: string }) => event.type)).toEqual([
      'AzureSubscriptionRegistered',
      'SubscriptionRoleAssigned',
      'SubscriptionRoleAssigned',
    ]);
    const partners = await app.gql(ann, HISTORY, { id: `subscription-${id}` });
    expect(partners.errors).toBeUndefined();
    expect(partners.data.history).toEqual([
      expect.objectContaining({ type: 'SubscriptionRoleAssigned', stateAfter: null }),
    ]);
    expect(JSON.stringify(partners.data)).not.toContain('cfo');
  });

  it('R43: asOf shows both pages as they stood at that moment', async () => {
    const partners = async (asOf?: string) =>
      (await app.gql(fay, PARTNERS, { asOf })).data.partnerRelationships;
    expect(await partners(moments.beforeAnything)).toEqual([]);
    expect(await partners(moments.withDap)).toEqual([
      {
        partnerTenantId: 'contoso-partners',
        delegatedAdmin: { status: 'ACTIVE', roles: DAP_ROLES },
      },
    ]);
    expect(await partners(moments.afterRemoval)).toEqual(await partners());
    expect((await partners())[0].delegatedAdmin).toEqual({ status: 'REMOVED', roles: [] });

    const customers = async (asOf?: string) =>
      (await app.gql(ann, CUSTOMERS, { asOf })).data.customers;
    expect(await customers(moments.beforeAnything)).toEqual({ totalCount: 0, nodes: [] });
    expect(await customers(moments.withDap)).toEqual({
      totalCount: 1,
      nodes: [{ tenantId: 'fabrikam', delegatedAdmin: { status: 'ACTIVE' } }],
    });
    expect(await customers(moments.afterRemoval)).toEqual(await customers());
  });

  describe('auditAppended', () => {
    const clients: Client[] = [];
    afterAll(async () => {
      for (const client of clients) await client.dispose();
    });

    function subscribe(token: string, filter?: Record<string, unknown>) {
      const client = createClient({
        url: `${app.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
      });
      clients.push(client);
      const received: Entry[] = [];
      const errors: unknown[] = [];
      const waiters: (() => void)[] = [];
      client.subscribe(
        { query: APPENDED, variables: { filter } },
        {
          next: (value) => {
            if (value.errors) errors.push(...value.errors);
            else received.push((value.data as { auditAppended: Entry }).auditAppended);
            waiters.splice(0).forEach((wake) => wake());
          },
          error: (error) => {
            errors.push(error);
            waiters.splice(0).forEach((wake) => wake());
          },
          complete: () => undefined,
        },
      );
      const until = async (done: () => boolean) => {
        while (!done()) await new Promise<void>((wake) => waiters.push(wake));
      };
      return { received, errors, until };
    }

    it('R42: new entries reach exactly the open views allowed to see them', async () => {
      const forFay = subscribe(fay, {
        eventTypes: ['ServiceRequestOpened', 'DelegatedAdminGranted'],
      });
      const forOtto = subscribe(await app.token(people.otto));
      const forFred = subscribe(await app.token(people.fred));
      await forFred.until(() => forFred.errors.length > 0);
      expect(forFred.errors).toEqual([
        expect.objectContaining({ extensions: { code: 'FORBIDDEN', rule: 'R42' } }),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 200));

      const invitation = await app.gql(ann, REQUEST, { input: { customerTenantId: 'fabrikam' } });
      await app.gql(fay, ACCEPT, { id: invitation.data.requestResellerRelationship.id });
      expect((await app.gql(ann, OPEN_SR)).errors).toBeUndefined();
      await forFay.until(() => forFay.received.length >= 2);
      expect(forFay.received.map((entry) => entry.type)).toEqual([
        'DelegatedAdminGranted',
        'ServiceRequestOpened',
      ]);
      expect(forFay.received[1].summary).toBe(
        'Ann (Contoso Partners, AdminAgent) opened service request "Mailbox full" for Fabrikam',
      );

      // Otto's view shows his own entry, and nothing of the Contoso–Fabrikam entries before it.
      await app.gql(await app.token(people.otto), REQUEST, {
        input: { customerTenantId: 'woodgrove' },
      });
      await forOtto.until(() => forOtto.received.length >= 1);
      expect(forOtto.received.map((entry) => [entry.type, entry.actor.userId])).toEqual([
        ['InvitationCreated', 'otto'],
      ]);
      expect(forFay.received).toHaveLength(2);
    });
  });
});

describe('history of a stream larger than one answer', () => {
  let app: TestApp | undefined;
  afterAll(async () => {
    await app?.close();
    if (app) removeDataDir(app.dataDir);
  });

  it('R43: an answer past GRAPHQL_MAX_RESPONSE_BYTES is refused naming the revision; a smaller window is answered', async () => {
    app = await startApp({ env: { GRAPHQL_MAX_RESPONSE_BYTES: '700' } });
    const ann = await app.token(people.ann);
    const fay = await app.token(people.fay);
    const id = (await app.gql(ann, REQUEST, { input: { customerTenantId: 'fabrikam' } })).data
      .requestResellerRelationship.id;
    await app.gql(fay, ACCEPT, { id });
    await app.gql(fay, REMOVE);
    const WINDOW = `query ($max: Int) { history(streamId: "${DAP_STREAM}", maxCount: $max) { revision } }`;
    const whole = await app.gql(fay, WINDOW);
    expect(whole.errors?.[0].extensions).toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
      max: 700,
      revision: 1,
    });
    expect((await app.gql(fay, WINDOW, { max: 1 })).data.history).toEqual([{ revision: 0 }]);
    // R17: who may not read it learns nothing of its size, or of it: NOT_FOUND as for no stream.
    for (const stranger of [people.otto, people.wes]) {
      const refused = await app.gql(await app.token(stranger), WINDOW);
      expect(refused.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      expect(refused.errors?.[0].message).not.toMatch(/revision|bytes/);
    }
    // R43, R50: two history fields in one operation share the bytes: each may build half.
    const TWICE = `{ a: history(streamId: "${DAP_STREAM}", maxCount: 1) { revision }
      b: history(streamId: "${DAP_STREAM}", maxCount: 1) { revision } }`;
    const twice = await app.gql(fay, TWICE);
    expect(twice.data).toBeNull();
    expect(twice.errors?.[0].extensions).toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
      max: 350,
      revision: 0,
    });
  });
});
