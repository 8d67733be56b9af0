import { appForSuite } from '../support/app';
import { people } from '../support/tenants';

const REQUEST = `mutation ($input: RequestResellerRelationshipInput!) { requestResellerRelationship(input: $input) { id invitationUrl } }`;
const EDIT = `mutation ($input: EditInvitationEmailInput!) { editInvitationEmail(input: $input) { id } }`;
const CANCEL = `mutation ($id: ID!) { cancelInvitation(invitationId: $id) { id } }`;
const AUDIT = `{ auditLog(first: 50) { nodes { type streamId customerTenantId } } }`;

describe('the audit log of an invitation addressed to a customer', () => {
  const app = appForSuite();

  it('R42: the customer’s Global admin reads its creation, its email edits and its cancellation; not those of one open to all', async () => {
    const [ann, fay] = [await app.token(people.ann), await app.token(people.fay)];
    const invite = async (input: object) =>
      (await app.gql(ann, REQUEST, { input })).data.requestResellerRelationship as {
        id: string;
        invitationUrl: string;
      };
    const editAndCancel = async ({ id, invitationUrl }: { id: string; invitationUrl: string }) => {
      const edited = await app.gql(ann, EDIT, {
        input: { invitationId: id, subject: 'Our offer', body: `Accept: ${invitationUrl}` },
      });
      expect(edited.errors).toBeUndefined();
      expect((await app.gql(ann, CANCEL, { id })).errors).toBeUndefined();
    };
    const addressed = await invite({ customerTenantId: 'fabrikam' });
    const openToAll = await invite({});
    await editAndCancel(addressed);
    await editAndCancel(openToAll);

    const entries = (await app.gql(fay, AUDIT)).data.auditLog.nodes as {
      type: string;
      streamId: string;
      customerTenantId: string | null;
    }[];
    expect(entries.filter(({ streamId }) => streamId.includes(addressed.id))).toEqual(
      ['InvitationCancelled', 'InvitationEmailEdited', 'InvitationCreated'].map((type) => ({
        type,
        streamId: `invitation-${addressed.id}`,
        customerTenantId: 'fabrikam',
      })),
    );
    expect(entries.filter(({ streamId }) => streamId.includes(openToAll.id))).toEqual([]);
    // The partner reads all six, newest first, each filed under the customer it concerns, if any.
    const partners = (await app.gql(ann, AUDIT)).data.auditLog.nodes as typeof entries;
    expect(
      partners
        .filter(({ type }) => type.startsWith('Invitation'))
        .map(({ customerTenantId }) => customerTenantId),
    ).toEqual([null, null, 'fabrikam', 'fabrikam', null, 'fabrikam']);
  });
});
