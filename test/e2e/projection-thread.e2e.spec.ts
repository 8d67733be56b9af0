import { people } from '../support/tenants';
import { removeDataDir, startApp } from '../support/app';

const INVITE = `mutation { requestResellerRelationship(input: { customerDomain: "fabrikam.onmicrosoft.com" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { delegatedAdmin { status } } }`;
const REMOVE = `mutation ($partner: ID!) { removeDelegatedAdminPrivileges(partnerTenantId: $partner, confirm: true) { delegatedAdmin { status } } }`;
const PARTNERS = `{ partnerRelationships { partnerTenantId delegatedAdmin { status } } }`;
const AUDIT = `{ auditLog(first: 1) { nodes { type } } }`;

describe.each(['worker', 'main'])('PROJECTION_THREAD=%s', (thread) => {
  it('R7, R10, R12, R41: every query sees a mutation’s effects as soon as it answers', async () => {
    const app = await startApp({ env: { PROJECTION_THREAD: thread } });
    try {
      const ann = await app.token(people.ann);
      const fay = await app.token(people.fay);
      const invitation = (await app.gql(ann, INVITE)).data.requestResellerRelationship;
      const accepted = await app.gql(fay, ACCEPT, { id: invitation.id });
      expect(accepted.data.acceptResellerInvitation.delegatedAdmin).toEqual({ status: 'ACTIVE' });
      expect((await app.gql(fay, PARTNERS)).data.partnerRelationships).toEqual([
        { partnerTenantId: 'contoso-partners', delegatedAdmin: { status: 'ACTIVE' } },
      ]);

      const removed = await app.gql(fay, REMOVE, { partner: 'contoso-partners' });
      expect(removed.data.removeDelegatedAdminPrivileges.delegatedAdmin).toEqual({
        status: 'REMOVED',
      });
      expect((await app.gql(fay, PARTNERS)).data.partnerRelationships[0].delegatedAdmin).toEqual({
        status: 'REMOVED',
      });
      expect((await app.gql(fay, AUDIT)).data.auditLog.nodes).toEqual([
        { type: 'DelegatedAdminRemoved' },
      ]);
    } finally {
      await app.close();
      removeDataDir(app.dataDir);
    }
  });
});
