import request from 'supertest';
import { join } from 'node:path';
import { verifyAudit } from '../../src/audit/audit-verify';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { ReadStore } from '../../src/platform/read-store/read-store';
import { appForSuite, acceptedCustomers } from '../support/app';
import { eventCount, stillAnswers } from '../support/security';
import { people } from '../support/tenants';

const OPEN_SR = `mutation ($c: ID!, $t: String!) { openServiceRequest(input: { customerTenantId: $c, title: $t, description: "d" }) { id customerTenantId } }`;
const END = `mutation ($c: ID!) { endResellerRelationship(customerTenantId: $c) { tenantId } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { since } }`;
const REQUEST = `mutation { requestResellerRelationship(input: {}) { id } }`;

describe('inputs: ids, tenant normalisation, Unicode and dates are checked where they enter', () => {
  const app = appForSuite();
  let ann: string;
  let fay: string;

  const refusedWith = async (
    token: string,
    query: string,
    variables: Record<string, unknown>,
    code: string,
  ) => {
    const before = eventCount(app);
    const answer = await app.gql(token, query, variables);
    expect(answer.errors?.[0].extensions?.code).toBe(code);
    expect(eventCount(app)).toBe(before);
    return answer.errors![0];
  };

  beforeAll(async () => {
    ann = await app.token(people.ann);
    fay = await app.token(people.fay);
    const invitation = await app.gql(ann, REQUEST);
    await app.gql(fay, ACCEPT, { id: invitation.data.requestResellerRelationship.id });
  });

  it.each(['fabrikam_x', 'partners_fabrikam', 'a-', '-a', 'fab rikam', 'fabrikam/..', 'ﬁ', ''])(
    'R50: a tenant id with a separator or outside the alphabet (%j) is INVALID_INPUT, nothing appended',
    async (crafted) => {
      await refusedWith(ann, OPEN_SR, { c: crafted, t: 'Mailbox' }, 'INVALID_INPUT');
      await refusedWith(ann, END, { c: crafted }, 'INVALID_INPUT');
    },
  );

  it.each([
    [
      'delegatedAdminRelationships by customer',
      'ann',
      '{ delegatedAdminRelationships(filter: { customerTenantId: "" }) { totalCount } }',
    ],
    [
      'delegatedAdminRelationships by partner',
      'fay',
      '{ delegatedAdminRelationships(filter: { partnerTenantId: "" }) { totalCount } }',
    ],
    [
      'azureSubscriptionsConnection',
      'ann',
      '{ azureSubscriptionsConnection(customerTenantId: "") { totalCount } }',
    ],
    [
      'autopilotDevicesConnection by profile',
      'fay',
      '{ autopilotDevicesConnection(customerTenantId: "fabrikam", filter: { profileId: "" }) { totalCount } }',
    ],
  ])('R50: an empty id in %s is INVALID_INPUT, not read as any', async (_where, who, query) => {
    const answer = await app.gql(who === 'ann' ? ann : fay, query);
    expect(answer.errors?.[0].extensions?.code).toBe('INVALID_INPUT');
  });

  it('R50: a cursor of the right shape but no value the list writes is INVALID_INPUT, not a page from anywhere', async () => {
    const cursor = (list: string, key: object) =>
      Buffer.from(JSON.stringify({ list, key })).toString('base64url');
    const customers = (key: object) =>
      `{ customers(sort: SINCE, after: "${cursor('customers', { sort: 'SINCE', direction: 'ASC', ...key })}") { totalCount } }`;
    for (const query of [
      customers({ value: 'notadate', tenantId: 'fabrikam' }),
      customers({ value: '2026-01-01T00:00:00.000Z', tenantId: 'fab_rikam' }),
      `{ invitationsConnection(after: "${cursor('invitations', { createdAt: 'zzzz', id: 'x' })}") { totalCount } }`,
    ]) {
      const answer = await app.gql(ann, query);
      expect([query, answer.errors?.[0].extensions?.code]).toEqual([query, 'INVALID_INPUT']);
    }
    const written = await app.gql(
      ann,
      '{ customers(sort: SINCE, first: 1) { pageInfo { endCursor } } }',
    );
    const endCursor = written.data.customers.pageInfo.endCursor;
    const next = await app.gql(
      ann,
      `{ customers(sort: SINCE, after: "${endCursor}") { totalCount } }`,
    );
    expect(next.errors).toBeUndefined();
  });

  it('R50: a partner cannot reach another pair’s stream by crafting ids around the `_` separator', async () => {
    // Were `_` allowed, partner "contoso" and customer "partners_fabrikam" would name the
    // relationship stream of partner "contoso_partners"… and customer "fabrikam", or the reverse.
    const contoso = await app.token({ ...people.ann, tid: 'contoso' });
    await refusedWith(contoso, END, { c: 'partners_fabrikam' }, 'INVALID_INPUT');
    const underscored = await app.token({ ...people.ann, tid: 'contoso_partners' });
    const answer = await app.gql(underscored, '{ me { tenantId } }');
    expect(answer.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(answer.errors?.[0].message).toMatch(/tid/);
  });

  it('one tenant id rule: case and surrounding spaces do not make another tenant', async () => {
    const shouting = await app.token({ ...people.ann, tid: ' Contoso-PARTNERS ' });
    expect((await app.gql(shouting, '{ me { tenantId } }')).data.me.tenantId).toBe(
      'contoso-partners',
    );
    const page = await app.gql(shouting, '{ customers { nodes { tenantId } } }');
    expect(page.data.customers.nodes).toEqual([{ tenantId: 'fabrikam' }]);
    const opened = await app.gql(ann, OPEN_SR, { c: 'FABRIKAM', t: 'Mailbox' });
    expect(opened.data.openServiceRequest.customerTenantId).toBe('fabrikam');
    const access = await app.gql(
      fay,
      '{ effectiveAccess(partnerTenantId: "CONTOSO-PARTNERS", customerTenantId: "Fabrikam") { partnerTenantId customerTenantId } }',
    );
    expect(access.data.effectiveAccess).toEqual({
      partnerTenantId: 'contoso-partners',
      customerTenantId: 'fabrikam',
    });
  });

  it('R5: a customer-kind token for the inviting partner’s own tenant cannot accept its invitation', async () => {
    const invitation = await app.gql(ann, REQUEST);
    const id = invitation.data.requestResellerRelationship.id;
    for (const tid of ['contoso-partners', 'Contoso-Partners']) {
      const ownTenant = await app.token({ ...people.fay, tid });
      const error = await refusedWith(ownTenant, ACCEPT, { id }, 'FORBIDDEN');
      expect(error.extensions?.rule).toBe('R5');
    }
  });

  it('R50: ids that are not ids are refused without echoing them in full', async () => {
    const long = 'x'.repeat(10_000);
    for (const [query, variables] of [
      [OPEN_SR, { c: long, t: 'Mailbox' }],
      [ACCEPT, { id: long }],
      [ACCEPT, { id: '../invitation-1' }],
      [
        `mutation ($s: ID!) { assignSubscriptionRole(input: { subscriptionId: $s, principal: { kind: CUSTOMER_USER, userId: "fred" }, role: READER }) { id } }`,
        { s: long },
      ],
      [
        `query ($u: ID) { effectiveAccess(partnerTenantId: "contoso-partners", customerTenantId: "fabrikam", userId: $u) { userId } }`,
        { u: `ann${' '.repeat(5_000)}` },
      ],
      [`query ($s: String!) { history(streamId: $s) { type } }`, { s: `relationship-a_b_${long}` }],
      [`query ($s: String!) { history(streamId: $s) { type } }`, { s: '$all' }],
      [`query ($a: String) { customers(after: $a) { totalCount } }`, { a: long }],
    ] as const) {
      const error = await refusedWith(fay, query, variables, 'INVALID_INPUT').catch(() =>
        refusedWith(ann, query, variables, 'INVALID_INPUT'),
      );
      expect(error.message.length).toBeLessThan(400);
      expect(error.message).not.toContain('x'.repeat(100));
    }
    expect(await stillAnswers(app, ann)).toBe(true);
  });

  it('strings must be well-formed Unicode: a lone surrogate is INVALID_INPUT and nothing is stored', async () => {
    const before = eventCount(app);
    for (const title of ['\ud800', 'a\udc00b', 'ok\ud83d']) {
      const response = await request(app.url)
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${ann}`)
        .send({ query: OPEN_SR, variables: { c: 'fabrikam', t: title } });
      expect(response.status).toBe(400);
      expect(response.body.errors[0].extensions.code).toBe('INVALID_INPUT');
    }
    const escaped = await app.gql(
      ann,
      'mutation { openServiceRequest(input: { customerTenantId: "fabrikam", title: "\\uD800", description: "d" }) { id } }',
    );
    expect(escaped.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const forgedName = await app.token({ ...people.ann, name: 'Ann \ud800' });
    expect((await app.gql(forgedName, '{ me { name } }')).errors?.[0].extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    expect(eventCount(app)).toBe(before);
  });

  it('what is stored, projected and hashed agree: audit verify finds no mismatch after astral text', async () => {
    const opened = await app.gql(ann, OPEN_SR, { c: 'fabrikam', t: 'Mailbox 📬 ﬁ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢' });
    expect(opened.errors).toBeUndefined();
    const store = new SqliteEventStore(join(app.dataDir, 'events.db'));
    const reads = new ReadStore(join(app.dataDir, 'read-models.db'));
    try {
      const outcome = await verifyAudit(store, reads);
      expect(outcome).toMatchObject({ ok: true });
    } finally {
      reads.close();
      await store.close();
    }
  });

  it.each([
    '2026-02-30',
    '2026-01-01T25:00:00Z',
    'yesterday',
    '2026-13-01',
    '2026-04-31T10:00:00Z',
    '',
    // Years past 9999 or before 0000 at UTC: their ISO text (+010000-…) compares as no moment.
    '9999-12-31T23:59:59-23:59',
    '0000-01-01T00:00:00+00:01',
  ])(
    'an impossible DateTime (%j) is INVALID_INPUT, as a variable and as a literal',
    async (moment) => {
      const asVariable = await app.gql(
        ann,
        'query ($at: DateTime) { customers(asOf: $at) { totalCount } }',
        { at: moment },
      );
      expect(asVariable.errors?.[0].extensions?.code).toBe('INVALID_INPUT');
      const asLiteral = await app.gql(
        fay,
        `{ auditLog(filter: { from: ${JSON.stringify(moment)} }) { totalCount } }`,
      );
      expect(asLiteral.errors?.[0].extensions?.code).toBe('INVALID_INPUT');
      expect(await stillAnswers(app, ann)).toBe(true);
    },
  );

  it('a real DateTime, with an offset or as a date, still reads the past', async () => {
    await acceptedCustomers(app, ann, 1);
    for (const at of [
      '2999-12-31',
      '2999-12-31T23:59:59.999+01:00',
      '9999-12-31T23:59:59Z',
      new Date().toISOString(),
    ]) {
      const answer = await app.gql(
        ann,
        'query ($at: DateTime) { customers(asOf: $at) { totalCount } }',
        { at },
      );
      expect(answer.errors).toBeUndefined();
      expect(answer.data.customers.totalCount).toBeGreaterThan(0);
    }
  });
});
