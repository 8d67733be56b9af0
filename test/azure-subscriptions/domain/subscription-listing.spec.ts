import { subscriptionListingOf } from '../../../src/azure-subscriptions/domain/subscription-access';
import { customerGlobalAdmin, customerUser, operator, partnerUser } from '../../support/given';

describe('whose subscriptions a caller lists', () => {
  it('R17: a customer’s Global admin lists its own tenant, named or not', () => {
    const admin = customerGlobalAdmin({ tenantId: 'fabrikam' });
    expect(subscriptionListingOf(admin, undefined)).toEqual({ customerTenantId: 'fabrikam' });
    expect(subscriptionListingOf(admin, 'fabrikam')).toEqual({ customerTenantId: 'fabrikam' });
  });

  it('R17, R25, R20: another user of the customer lists only what it, or a group its token’s roles name, holds a role on', () => {
    const user = customerUser(['Reports Reader', 'finance-team'], {
      tenantId: 'fabrikam',
      userId: 'fred',
    });
    expect(subscriptionListingOf(user, undefined)).toEqual({
      customerTenantId: 'fabrikam',
      heldBy: { userId: 'fred', groupIds: ['finance-team'] },
    });
  });

  it('R17: a customer naming another tenant lists nothing', () => {
    expect(
      subscriptionListingOf(customerGlobalAdmin({ tenantId: 'fabrikam' }), 'woodgrove'),
    ).toBeUndefined();
  });

  it('R17: a partner lists the customer it names, or every customer; the Operator only one it names', () => {
    const partner = partnerUser(['AdminAgent']);
    expect(subscriptionListingOf(partner, 'fabrikam')).toEqual({ customerTenantId: 'fabrikam' });
    expect(subscriptionListingOf(partner, undefined)).toEqual({
      everyCustomerOf: partner.tenantId,
    });
    expect(subscriptionListingOf(operator(), 'fabrikam')).toEqual({ customerTenantId: 'fabrikam' });
    expect(subscriptionListingOf(operator(), undefined)).toBeUndefined();
  });
});
