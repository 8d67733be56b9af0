import {
  customersPageTenantOf,
  directoryRolesTenantOf,
  LISTED_DIRECTORY_ROLES,
  partnerRelationshipsPageTenantOf,
} from '../../../src/delegated-admin/domain/page-access';
import type { Actor } from '../../../src/platform/domain/actor';
import { DomainError } from '../../../src/platform/domain/domain-error';
import { customerGlobalAdmin, customerUser, operator, partnerUser } from '../../support/given';

const refusal = (open: () => unknown): DomainError => {
  try {
    open();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('page access', () => {
  it('R16: every partner role opens its own tenant’s Customers page', () => {
    for (const role of ['AdminAgent', 'SalesAgent', 'HelpdeskAgent'] as const) {
      expect(customersPageTenantOf(partnerUser([role], { tenantId: 'contoso' }))).toBe('contoso');
    }
  });

  it.each<[string, Actor]>([
    ['a customer Global admin', customerGlobalAdmin()],
    ['a customer user', customerUser()],
    ['the Operator', operator()],
  ])('R16: %s is refused the Customers page', (_, actor) => {
    const error = refusal(() => customersPageTenantOf(actor));
    expect([error.code, error.rule]).toEqual(['FORBIDDEN', 'R16']);
  });

  it('R15: the customer’s Global admin opens its own tenant’s Partner relationships page', () => {
    expect(partnerRelationshipsPageTenantOf(customerGlobalAdmin({ tenantId: 'fabrikam' }))).toBe(
      'fabrikam',
    );
  });

  it.each<[string, Actor]>([
    ['a customer user without GlobalAdmin', customerUser(['UserAdmin'])],
    ['a partner Admin Agent', partnerUser(['AdminAgent'])],
    ['the Operator', operator()],
  ])('R15: %s is refused the Partner relationships page', (_, actor) => {
    const error = refusal(() => partnerRelationshipsPageTenantOf(actor));
    expect([error.code, error.rule]).toEqual(['FORBIDDEN', 'R15']);
  });

  it('R11: only the customer’s Global admin lists its directory roles, and no partner role is listed', () => {
    expect(directoryRolesTenantOf(customerGlobalAdmin({ tenantId: 'fabrikam' }))).toBe('fabrikam');
    const error = refusal(() => directoryRolesTenantOf(partnerUser(['AdminAgent'])));
    expect([error.code, error.rule]).toEqual(['FORBIDDEN', 'R11']);
    expect(LISTED_DIRECTORY_ROLES.map(({ tokenRole }) => tokenRole)).not.toEqual(
      expect.arrayContaining(['AdminAgent', 'HelpdeskAgent', 'SalesAgent']),
    );
  });
});
