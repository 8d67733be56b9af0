import { serviceRequestScopeOf } from '../../../src/delegated-admin/domain/service-request-visibility';
import type { Actor } from '../../../src/platform/domain/actor';

const actor = (tenantKind: Actor['tenantKind'], roles: string[]): Actor => ({
  userId: 'u',
  name: 'U',
  tenantId: 't',
  tenantKind,
  roles,
});

describe('service request visibility (R17)', () => {
  it.each([['AdminAgent'], ['SalesAgent'], ['HelpdeskAgent']])(
    'R17: a partner user holding %s lists its own tenant’s requests',
    (role) => {
      expect(serviceRequestScopeOf(actor('partner', [role]))).toEqual({
        side: 'partner',
        partnerTenantId: 't',
      });
    },
  );

  it('R17: a customer Global admin lists the requests opened on its tenant’s behalf', () => {
    expect(serviceRequestScopeOf(actor('customer', ['GlobalAdmin']))).toEqual({
      side: 'customer',
      customerTenantId: 't',
    });
  });

  it.each([
    ['a partner user without a partner role', actor('partner', [])],
    ['a customer user without GlobalAdmin', actor('customer', ['HelpdeskAdmin'])],
    ['the Operator', actor('operator', ['Operator'])],
  ])('R17: %s lists none (FORBIDDEN)', (_, who) => {
    expect(() => serviceRequestScopeOf(who)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', rule: 'R17' }),
    );
  });
});
