import { appForSuite } from '../support/app';
import { people } from '../support/tenants';

const REQUEST = `mutation ($input: RequestResellerRelationshipInput!) { requestResellerRelationship(input: $input) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { since } }`;
const REMOVE = `mutation { removeDelegatedAdminPrivileges(partnerTenantId: "contoso-partners", confirm: true) { since } }`;
const HISTORY = `query ($id: String!) { history(streamId: $id) { type actor { userId tenantId } } }`;
const ACCESS = `query ($u: ID) { effectiveAccess(partnerTenantId: "contoso-partners", customerTenantId: "woodgrove", userId: $u) { partnerTenantId customerTenantId userId capabilities { role action allowed reason rule } } }`;

describe('disclosure: answers tell callers no more than R42 and R17 let them see', () => {
  const app = appForSuite();
  let ann: string;
  let fay: string;
  let invitationId: string;

  beforeAll(async () => {
    ann = await app.token(people.ann);
    fay = await app.token(people.fay);
    invitationId = (await app.gql(ann, REQUEST, { input: { customerTenantId: 'fabrikam' } })).data
      .requestResellerRelationship.id;
    await app.gql(fay, ACCEPT, { id: invitationId });
    await app.gql(fay, REMOVE);
  });

  it('R42: history shows who did what only where auditLog would show that event to the caller', async () => {
    const actors = async (token: string, streamId: string) =>
      (await app.gql(token, HISTORY, { id: streamId })).data.history.map(
        (event: { type: string; actor: { userId: string } | null }) =>
          `${event.type}:${event.actor?.userId ?? 'hidden'}`,
      );
    // The partner reads only what its own users did (R42): the customer's acts keep no actor.
    expect(await actors(ann, `invitation-${invitationId}`)).toEqual([
      'InvitationCreated:ann',
      'InvitationAccepted:hidden',
    ]);
    expect(await actors(ann, 'dapgrant-contoso-partners_fabrikam')).toEqual([
      'DelegatedAdminGranted:hidden',
      'DelegatedAdminRemoved:hidden',
    ]);
    // The customer's Global admin reads everything that happened in its tenant.
    expect(await actors(fay, `invitation-${invitationId}`)).toEqual([
      'InvitationCreated:ann',
      'InvitationAccepted:fay',
    ]);
    expect(
      await actors(await app.token(people.opal), 'dapgrant-contoso-partners_fabrikam'),
    ).toEqual(['DelegatedAdminGranted:fay', 'DelegatedAdminRemoved:fay']);
  });

  it('R17: effectiveAccess answers a customer alike for a partner’s known and unknown users when they have no relationship', async () => {
    const wes = await app.token(people.wes);
    const known = await app.gql(wes, ACCESS, { u: 'ann' });
    const unknown = await app.gql(wes, ACCESS, { u: 'nobody-at-contoso' });
    expect(known.errors).toBeUndefined();
    expect(unknown.errors).toBeUndefined();
    expect(known.data.effectiveAccess.capabilities).toEqual(
      unknown.data.effectiveAccess.capabilities,
    );
    expect(
      known.data.effectiveAccess.capabilities.every((c: { allowed: boolean }) => !c.allowed),
    ).toBe(true);
    // With a relationship the customer may ask about a user, and an unknown one is NOT_FOUND.
    const withRelationship = await app.gql(fay, ACCESS.replace('"woodgrove"', '"fabrikam"'), {
      u: 'nobody-at-contoso',
    });
    expect(withRelationship.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});
