import { customerAdmin, people } from '../support/tenants';
import { appForSuite } from '../support/app';

const REQUEST = `mutation ($input: RequestResellerRelationshipInput!) {
  requestResellerRelationship(input: $input) {
    id status includeDelegatedAdmin invitationUrl mailtoUrl emailDraft { subject body } partnerTenantId customerTenantId expiresAt
  }
}`;
const EDIT = `mutation ($input: EditInvitationEmailInput!) { editInvitationEmail(input: $input) { id emailDraft { subject body } mailtoUrl } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId partnerName customerTenantId customerName relationshipType since } }`;
const CUSTOMERS = `query ($first: Int, $after: String) { customers(first: $first, after: $after) {
  totalCount nodes { tenantId name domain relationshipSince } edges { cursor node { tenantId } } pageInfo { hasNextPage endCursor } } }`;

describe('reseller invitations over GraphQL', () => {
  const app = appForSuite();
  let ann: string;
  let fay: string;

  beforeAll(async () => {
    ann = await app.token(people.ann);
    fay = await app.token(people.fay);
  });

  const eventCount = async () => {
    const opal = await app.token(people.opal);
    const status = await app.gql(opal, '{ projectionStatus { name checkpoint } }');
    return Math.max(
      ...status.data.projectionStatus.map((p: { checkpoint: number }) => p.checkpoint),
    );
  };

  it('R1–R3, R7: invite, edit the draft, accept; the customer appears on the Customers page', async () => {
    const requested = await app.gql(ann, REQUEST, {
      input: { customerDomain: 'Fabrikam.onmicrosoft.com' },
    });
    expect(requested.errors).toBeUndefined();
    const invitation = requested.data.requestResellerRelationship;
    expect(invitation).toMatchObject({
      status: 'PENDING',
      includeDelegatedAdmin: true,
      partnerTenantId: 'contoso-partners',
    });
    expect(invitation.invitationUrl).toContain('partnerId=contoso-partners');
    expect(invitation.invitationUrl).toContain(invitation.id);
    expect(invitation.emailDraft.body).toContain(invitation.invitationUrl);
    expect(invitation.mailtoUrl).toContain(encodeURIComponent(invitation.invitationUrl));

    const body = `Hello Fabrikam,\nplease accept: ${invitation.invitationUrl}\nAnn`;
    const edited = await app.gql(ann, EDIT, {
      input: { invitationId: invitation.id, subject: 'Our offer', body },
    });
    expect(edited.errors).toBeUndefined();
    expect(edited.data.editInvitationEmail.emailDraft).toEqual({ subject: 'Our offer', body });

    const accepted = await app.gql(fay, ACCEPT, { id: invitation.id });
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data.acceptResellerInvitation).toMatchObject({
      partnerTenantId: 'contoso-partners',
      partnerName: 'Contoso Partners',
      customerTenantId: 'fabrikam',
      customerName: 'Fabrikam',
      relationshipType: 'RESELLER',
    });

    const page = await app.gql(ann, CUSTOMERS);
    expect(page.data.customers.nodes).toEqual([
      expect.objectContaining({
        tenantId: 'fabrikam',
        name: 'Fabrikam',
        domain: 'fabrikam.onmicrosoft.com',
      }),
    ]);
    const status = await app.gql(
      ann,
      'query ($id: ID!) { invitation(id: $id) { status customerTenantId } }',
      { id: invitation.id },
    );
    expect(status.data.invitation).toEqual({ status: 'ACCEPTED', customerTenantId: 'fabrikam' });
  });

  it('R4: a customer id or domain given as null is as if omitted; a bad domain beside it is INVALID_INPUT', async () => {
    const withDomain = await app.gql(ann, REQUEST, {
      input: { customerTenantId: null, customerDomain: 'fabrikam.onmicrosoft.com' },
    });
    expect(withDomain.errors).toBeUndefined();
    const withId = await app.gql(ann, REQUEST, {
      input: { customerTenantId: 'fabrikam', customerDomain: null },
    });
    expect(withId.data.requestResellerRelationship.customerTenantId).toBe('fabrikam');
    const before = await eventCount();
    const refused = await app.gql(ann, REQUEST, {
      input: { customerTenantId: null, customerDomain: '💥' },
    });
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'INVALID_INPUT', rule: 'R4' });
    expect(await eventCount()).toBe(before);
  });

  it.each([
    ['customerTenantId', { customerTenantId: '' }],
    ['customerDomain', { customerDomain: '' }],
  ])(
    'R4: an empty %s is refused as blank, never taken for omitted (an invitation any customer could accept)',
    async (field, input) => {
      const before = await eventCount();
      const refused = await app.gql(ann, REQUEST, { input });
      expect(refused.errors?.[0]).toMatchObject({
        message: `${field} cannot be blank; omit it to let any customer accept.`,
        extensions: { code: 'INVALID_INPUT', rule: 'R4' },
      });
      expect(await eventCount()).toBe(before);
    },
  );

  it('R2: includeDelegatedAdmin given as null, as a nullable variable, is as if omitted: with DAP', async () => {
    const answer = await app.gql(
      ann,
      `mutation ($dap: Boolean) { requestResellerRelationship(input: { customerTenantId: "fabrikam", includeDelegatedAdmin: $dap }) { includeDelegatedAdmin } }`,
      { dap: null },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data.requestResellerRelationship.includeDelegatedAdmin).toBe(true);
  });

  it('R4, R17: an invitation naming a tenant by id and another domain is meant for a tenant with both: neither the one with the id nor the one with the domain sees it, and accepting needs both to match', async () => {
    const id = (
      await app.gql(ann, REQUEST, {
        input: { customerTenantId: 'fabrikam', customerDomain: 'elsewhere.onmicrosoft.com' },
      })
    ).data.requestResellerRelationship.id as string;
    const elsewhere = await app.token({
      ...people.wes,
      tenant_domain: 'elsewhere.onmicrosoft.com',
    });
    const byId = 'query ($id: ID!) { invitation(id: $id) { id status } }';
    for (const customer of [fay, elsewhere]) {
      const listed = await app.gql(customer, '{ invitations { id } }');
      expect(listed.data.invitations).not.toContainEqual({ id });
      expect((await app.gql(customer, byId, { id })).data.invitation).toBeNull();
      const accepted = await app.gql(customer, ACCEPT, { id });
      expect(accepted.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'R4' });
    }
    const both = await app.token({ ...people.fay, tenant_domain: 'elsewhere.onmicrosoft.com' });
    expect(await app.gql(both, '{ invitations(status: PENDING) { id } }')).toMatchObject({
      data: { invitations: expect.arrayContaining([{ id }]) },
    });
    expect((await app.gql(both, byId, { id })).data.invitation).toEqual({ id, status: 'PENDING' });
  });

  it('R3: an edit whose body lost the link is INVALID_INPUT and appends nothing', async () => {
    const invitation = (await app.gql(ann, REQUEST, { input: {} })).data
      .requestResellerRelationship;
    const before = await eventCount();
    const edited = await app.gql(ann, EDIT, {
      input: { invitationId: invitation.id, subject: 'Hi', body: 'no link here' },
    });
    expect(edited.errors?.[0].extensions).toEqual({ code: 'INVALID_INPUT', rule: 'R3' });
    expect(await eventCount()).toBe(before);
  });

  it('R5: a partner trying to accept gets FORBIDDEN and no event is appended', async () => {
    const invitation = (await app.gql(ann, REQUEST, { input: {} })).data
      .requestResellerRelationship;
    const before = await eventCount();
    const refused = await app.gql(ann, ACCEPT, { id: invitation.id });
    expect(refused.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R5' });
    expect(refused.data).toBeNull();
    expect(await eventCount()).toBe(before);
  });

  it('R6: a second customer cannot accept a consumed invitation', async () => {
    const invitation = (await app.gql(ann, REQUEST, { input: {} })).data
      .requestResellerRelationship;
    const wes = await app.token(people.wes);
    expect((await app.gql(wes, ACCEPT, { id: invitation.id })).errors).toBeUndefined();
    const second = await app.gql(fay, ACCEPT, { id: invitation.id });
    expect(second.errors?.[0].extensions).toEqual({ code: 'CONFLICT', rule: 'R6' });
  });

  it('R6: a cancelled invitation cannot be accepted', async () => {
    const invitation = (await app.gql(ann, REQUEST, { input: {} })).data
      .requestResellerRelationship;
    const cancelled = await app.gql(
      ann,
      'mutation ($id: ID!) { cancelInvitation(invitationId: $id) { status } }',
      { id: invitation.id },
    );
    expect(cancelled.data.cancelInvitation.status).toBe('CANCELLED');
    const refused = await app.gql(fay, ACCEPT, { id: invitation.id });
    expect(refused.errors?.[0].extensions).toEqual({ code: 'PRECONDITION_FAILED', rule: 'R6' });
  });

  it('R6, R4: an invitation expires after INVITATION_TTL_DAYS and then reads as EXPIRED; open to all, it is then shown to its partner only, as a cancelled one', async () => {
    const invitation = (await app.gql(ann, REQUEST, { input: {} })).data
      .requestResellerRelationship;
    const byId = 'query ($id: ID!) { invitation(id: $id) { id status } }';
    expect((await app.gql(fay, byId, { id: invitation.id })).data.invitation).toEqual({
      id: invitation.id,
      status: 'PENDING',
    });
    app.clock.advance(90 * 24 * 3600 * 1000);
    const expired = await app.gql(ann, 'query { invitations(status: EXPIRED) { id status } }');
    expect(expired.data.invitations).toContainEqual({ id: invitation.id, status: 'EXPIRED' });
    const refused = await app.gql(fay, ACCEPT, { id: invitation.id });
    expect(refused.errors?.[0].extensions).toEqual({ code: 'PRECONDITION_FAILED', rule: 'R6' });
    expect((await app.gql(fay, byId, { id: invitation.id })).data.invitation).toBeNull();
    expect((await app.gql(ann, byId, { id: invitation.id })).data.invitation).toEqual({
      id: invitation.id,
      status: 'EXPIRED',
    });
  });

  it('R7: 20 customers accepting 20 invitations concurrently all appear on the Customers page', async () => {
    const sam = await app.token(people.sam);
    const invitations = await Promise.all(
      Array.from({ length: 20 }, () =>
        app.gql(sam, REQUEST, { input: { includeDelegatedAdmin: false } }),
      ),
    );
    const results = await Promise.all(
      invitations.map(async (response, index) =>
        app.gql(await app.token(customerAdmin(index)), ACCEPT, {
          id: response.data.requestResellerRelationship.id,
        }),
      ),
    );
    results.forEach((result) => expect(result.errors).toBeUndefined());
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = await app.gql(ann, CUSTOMERS, { first: 7, after });
      seen.push(...page.data.customers.nodes.map((node: { tenantId: string }) => node.tenantId));
      if (!page.data.customers.pageInfo.hasNextPage) break;
      after = page.data.customers.pageInfo.endCursor;
    }
    const expected = Array.from({ length: 20 }, (_, index) => `customer-${index}`);
    expect(seen.filter((id) => id.startsWith('customer-')).sort()).toEqual(expected.sort());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('R17: another partner sees none of these customers or invitations', async () => {
    const otto = await app.token(people.otto);
    const page = await app.gql(otto, CUSTOMERS);
    expect(page.data.customers).toMatchObject({ totalCount: 0, nodes: [] });
    expect((await app.gql(otto, '{ invitations { id } }')).data.invitations).toEqual([]);
    expect(
      (await app.gql(otto, '{ customer(tenantId: "fabrikam") { tenantId } }')).data.customer,
    ).toBeNull();
  });

  it('rejects a missing, forged or expired token with UNAUTHENTICATED', async () => {
    const missing = await app.gql(null, '{ me { userId } }');
    expect(missing.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const forged = `${ann.slice(0, -4)}AAAA`;
    expect((await app.gql(forged, '{ me { userId } }')).errors?.[0].extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = ann.split('.')[1];
    expect(
      (await app.gql(`${header}.${payload}.`, '{ me { userId } }')).errors?.[0].extensions?.code,
    ).toBe('UNAUTHENTICATED');
    expect((await app.gql(ann, '{ me { userId tenantId roles } }')).data.me).toEqual({
      userId: 'ann',
      tenantId: 'contoso-partners',
      roles: ['AdminAgent'],
    });
  });
});
