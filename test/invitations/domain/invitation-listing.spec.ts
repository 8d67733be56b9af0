import { invitationListingOf } from '../../../src/invitations/domain/invitation-visibility';
import { DomainError } from '../../../src/platform/domain/domain-error';
import { customerGlobalAdmin, customerUser, operator, partnerUser } from '../../support/given';

describe('invitation listing', () => {
  it('R5: a partner user lists its own tenant’s invitations, whatever its role', () => {
    expect(invitationListingOf(partnerUser(['HelpdeskAgent'], { tenantId: 'contoso' }))).toEqual({
      kind: 'partner',
      partnerTenantId: 'contoso',
    });
  });

  it('R5: a customer Global admin lists those addressed to its tenant or domain', () => {
    const admin = customerGlobalAdmin({ tenantId: 'fabrikam', tenantDomain: 'fabrikam.example' });
    expect(invitationListingOf(admin)).toEqual({
      kind: 'customer',
      customer: { tenantId: 'fabrikam', domain: 'fabrikam.example' },
    });
  });

  it.each([
    ['a customer user without GlobalAdmin', customerUser(['UserAdmin'])],
    ['the Operator', operator()],
  ])('R5: %s is refused the invitations list', (_, actor) => {
    expect(() => invitationListingOf(actor)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', rule: 'R5' }) as DomainError,
    );
  });
});
