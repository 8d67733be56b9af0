import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { EsdbDouble } from '../support/esdb-double/esdb-double';
import { removeDataDir, startApp, type TestApp } from '../support/app';
import { people } from '../support/tenants';

const REQUEST = `mutation ($input: RequestResellerRelationshipInput!) {
  requestResellerRelationship(input: $input) { id status invitationUrl }
}`;
const EDIT = `mutation ($input: EditInvitationEmailInput!) {
  editInvitationEmail(input: $input) { id emailDraft { subject body } }
}`;
const ACCEPT = `mutation ($id: ID!) {
  acceptResellerInvitation(invitationId: $id) { partnerTenantId customerTenantId relationshipType }
}`;
const CUSTOMERS = '{ customers { totalCount nodes { tenantId name domain } } }';

describe('the invitation story with the app on EventStoreDB (the gRPC double)', () => {
  let double: EsdbDouble;
  let app: TestApp;

  beforeAll(async () => {
    double = await EsdbDouble.start({ batchAppend: true, systemEventEvery: 5 });
    app = await startApp({ env: { EVENTSTORE_URL: double.url } });
  });
  afterAll(async () => {
    await app.close();
    await double.stop();
    removeDataDir(app.dataDir);
  });

  it('R1–R3, R7: request, edit, accept; the customer is on the Customers page', async () => {
    const ann = await app.token(people.ann);
    const fay = await app.token(people.fay);

    const requested = await app.gql(ann, REQUEST, {
      input: { customerDomain: 'fabrikam.onmicrosoft.com' },
    });
    expect(requested.errors).toBeUndefined();
    const invitation = requested.data.requestResellerRelationship;
    expect(invitation.status).toBe('PENDING');

    const body = `Dear Fabrikam, please accept: ${invitation.invitationUrl}`;
    const edited = await app.gql(ann, EDIT, {
      input: { invitationId: invitation.id, subject: 'Our offer', body },
    });
    expect(edited.errors).toBeUndefined();
    expect(edited.data.editInvitationEmail.emailDraft).toEqual({ subject: 'Our offer', body });

    const accepted = await app.gql(fay, ACCEPT, { id: invitation.id });
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data.acceptResellerInvitation).toEqual({
      partnerTenantId: 'contoso-partners',
      customerTenantId: 'fabrikam',
      relationshipType: 'RESELLER',
    });

    const page = await app.gql(ann, CUSTOMERS);
    expect(page.data.customers).toEqual({
      totalCount: 1,
      nodes: [{ tenantId: 'fabrikam', name: 'Fabrikam', domain: 'fabrikam.onmicrosoft.com' }],
    });
  });

  it('kept the events on the server, with correlation metadata, and not in a local file', () => {
    const ours = double.log.all().filter((event) => !event.streamId.startsWith('$'));
    expect(ours.map((event) => event.type)).toEqual(
      expect.arrayContaining([
        'InvitationCreated',
        'InvitationEmailEdited',
        'InvitationAccepted',
        'RelationshipEstablished',
      ]),
    );
    for (const event of ours) {
      const metadata = JSON.parse(Buffer.from(event.customMetadata).toString());
      expect(metadata).toMatchObject({
        $correlationId: expect.any(String),
        $causationId: expect.any(String),
        actor: expect.objectContaining({ userId: expect.any(String) }),
      });
    }
    expect(double.calls.batchAppend).toBeGreaterThan(0);
    expect(existsSync(join(app.dataDir, 'events.db'))).toBe(false);
  });

  it('GET /health reports EventStoreDB up to the Operator', async () => {
    const response = await request(app.url)
      .get('/health')
      .set('authorization', `Bearer ${await app.token(people.opal)}`);
    expect(response.status).toBe(200);
    expect(response.body.eventStore).toEqual({ kind: 'eventstoredb', status: 'UP' });
  });
});
