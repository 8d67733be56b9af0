import type { Actor } from '../../../src/platform/domain/actor';
import {
  assertPartnerPageReader,
  customersPageTenantOf,
} from '../../../src/delegated-admin/domain/page-access';

const partner = (roles: string[]): Actor => ({
  userId: 'u',
  name: 'U',
  tenantId: 'contoso-partners',
  tenantKind: 'partner',
  roles,
});
const customer: Actor = {
  userId: 'fay',
  name: 'Fay',
  tenantId: 'fabrikam',
  tenantKind: 'customer',
  roles: ['GlobalAdmin'],
};

describe('who reads partner pages (R16)', () => {
  it.each([['AdminAgent'], ['SalesAgent'], ['HelpdeskAgent']])(
    'R16: a partner user holding %s reads them',
    (role) => {
      expect(() => assertPartnerPageReader(partner([role]))).not.toThrow();
      expect(customersPageTenantOf(partner([role]))).toBe('contoso-partners');
    },
  );

  it('R16: a partner user holding no partner role is refused, with the rule named', () => {
    for (const roles of [[], ['Reader'], ['GlobalAdmin']]) {
      expect(() => assertPartnerPageReader(partner(roles))).toThrow(
        expect.objectContaining({ code: 'FORBIDDEN', rule: 'R16' }),
      );
    }
  });

  it('R16: other callers are left to each page’s own rule, but the Customers page is the partner’s', () => {
    expect(() => assertPartnerPageReader(customer)).not.toThrow();
    expect(() => customersPageTenantOf(customer)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', rule: 'R16' }),
    );
  });
});
