import {
  assertMayAskEffectiveAccess,
  userInQuestion,
} from '../../../src/effective-access/domain/access-question';
import type { DomainError } from '../../../src/platform/domain/domain-error';
import { customerGlobalAdmin, customerUser, operator, partnerUser } from '../../support/given';

const PAIR = { partnerTenantId: 'contoso', customerTenantId: 'fabrikam' };
const refusedWith = (code: string, rule?: string) =>
  expect.objectContaining(rule ? { code, rule } : { code }) as DomainError;

describe('who may ask for effective access', () => {
  it('R40: the Operator, the partner’s own users and the customer’s Global admin may ask', () => {
    for (const actor of [
      operator(),
      partnerUser(['HelpdeskAgent'], { tenantId: 'contoso' }),
      customerGlobalAdmin({ tenantId: 'fabrikam' }),
    ]) {
      expect(() => assertMayAskEffectiveAccess(actor, PAIR)).not.toThrow();
    }
  });

  it('R40: another user of the customer is refused', () => {
    expect(() =>
      assertMayAskEffectiveAccess(customerUser(['UserAdmin'], { tenantId: 'fabrikam' }), PAIR),
    ).toThrow(refusedWith('FORBIDDEN', 'R40'));
  });

  it('R40, R17: another partner or customer learns nothing of the pair', () => {
    for (const actor of [
      partnerUser(['AdminAgent'], { tenantId: 'other-partner' }),
      customerGlobalAdmin({ tenantId: 'woodgrove' }),
    ]) {
      expect(() => assertMayAskEffectiveAccess(actor, PAIR)).toThrow(refusedWith('NOT_FOUND'));
    }
  });

  it('R17: without a relationship a customer’s question is about roles, never the partner’s users', () => {
    const admin = customerGlobalAdmin({ tenantId: 'fabrikam' });
    expect(userInQuestion(admin, 'u-1', false)).toBeUndefined();
    expect(userInQuestion(admin, 'u-1', true)).toBe('u-1');
    expect(userInQuestion(partnerUser(['AdminAgent'], { tenantId: 'contoso' }), 'u-1', false)).toBe(
      'u-1',
    );
  });
});
