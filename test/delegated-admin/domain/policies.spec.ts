import { dapGrantFollowUps } from '../../../src/delegated-admin/domain/policies';

describe('what an event calls for on a pair’s DapGrant stream', () => {
  it('R9, R50: an end’s DAP removal is claimed as every removal of DAP (a customer’s own at once waits for it), and fences nothing the end did not', () => {
    const pair = { partnerTenantId: 'contoso-partners', customerTenantId: 'fabrikam' };

    const [removal] = dapGrantFollowUps({ type: 'RelationshipEnded', data: pair });

    expect(removal).toMatchObject({
      kind: 'decide',
      command: { type: 'RevokeDelegatedAdminOnRelationshipEnd', ...pair },
      revokes: { fact: 'DELEGATED_ADMIN', ...pair, alreadyFenced: true },
    });
  });
});
