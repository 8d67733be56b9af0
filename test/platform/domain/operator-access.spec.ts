import type { DomainError } from '../../../src/platform/domain/domain-error';
import { assertOperator } from '../../../src/platform/domain/operator-access';
import { customerGlobalAdmin, operator, partnerUser } from '../../support/given';

describe('operator access', () => {
  it('R42: the Operator sees and rebuilds projections and follow-ups', () => {
    expect(() => assertOperator(operator())).not.toThrow();
  });

  it.each([
    ['a customer Global admin', customerGlobalAdmin()],
    ['a partner Admin Agent', partnerUser(['AdminAgent'])],
    ['an operator tenant user without the Operator role', operator({ roles: [] })],
  ])('R42: %s is refused', (_, actor) => {
    expect(() => assertOperator(actor)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', rule: 'R42' }) as DomainError,
    );
  });
});
