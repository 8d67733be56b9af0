import { subscriptionListingTenantOf } from '../../../src/azure-subscriptions/domain/subscription-access';
import { customerGlobalAdmin, customerUser, operator, partnerUser } from '../../support/given';

describe('whose subscriptions a caller lists', () => {
  it('R17: a customer’s user lists its own tenant, named or not', () => {
    const user = customerUser([], { tenantId: 'fabrikam' });
    expect(subscriptionListingTenantOf(user, undefined)).toBe('fabrikam');
    expect(subscriptionListingTenantOf(user, 'fabrikam')).toBe('fabrikam');
  });

  it('R17: a customer naming another tenant lists nothing', () => {
    expect(
      subscriptionListingTenantOf(customerGlobalAdmin({ tenantId: 'fabrikam' }), 'woodgrove'),
    ).toBeUndefined();
  });

  it('R17: a partner or the Operator lists the tenant it names, and nothing without one', () => {
    for (const actor of [partnerUser(['AdminAgent']), operator()]) {
      expect(subscriptionListingTenantOf(actor, 'fabrikam')).toBe('fabrikam');
      expect(subscriptionListingTenantOf(actor, undefined)).toBeUndefined();
    }
  });
});
