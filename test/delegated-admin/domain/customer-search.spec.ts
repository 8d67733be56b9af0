import { customerCriteria, searchKey } from '../../../src/delegated-admin/domain/customer-search';

const partner = 'contoso-partners';

describe('Customers page search and filters, as the read model asks them (R16)', () => {
  it('R16: the search key drops accents and case and collapses spaces', () => {
    expect(searchKey('  Émile   CAFÉ ')).toBe('emile cafe');
    expect(searchKey('Ålesund')).toBe('alesund');
    expect(searchKey('ﬁsk')).toBe('fisk'); // compatibility forms too
  });

  it('R14: a Microsoft 365 portal is usable where DAP is active, for Admin and Helpdesk Agents only', () => {
    const usable = { service: { name: 'Exchange', usable: true } };
    const unusable = { service: { name: 'Exchange', usable: false } };
    const admin = { partnerTenantId: partner, roles: ['ADMIN_AGENT'] as const };
    const sales = { partnerTenantId: partner, roles: ['SALES_AGENT'] as const };
    expect(customerCriteria(admin, usable).dapStatuses).toEqual(['ACTIVE']);
    expect(customerCriteria(admin, unusable).dapStatuses).toEqual(['REMOVED', 'NONE']);
    expect(customerCriteria(sales, usable).dapStatuses).toEqual([]);
    expect(
      customerCriteria(admin, { ...usable, delegatedAdminStatus: ['NONE', 'ACTIVE'] }).dapStatuses,
    ).toEqual(['ACTIVE']);
  });

  it('R21, R23: Azure is usable through the caller’s groups’ subscription roles', () => {
    const azure = { service: { name: 'Azure', usable: true } };
    expect(
      customerCriteria(
        { partnerTenantId: partner, roles: ['ADMIN_AGENT', 'HELPDESK_AGENT'] },
        azure,
      ).azureRoleGroups,
    ).toEqual({ groups: ['ADMIN_AGENTS', 'HELPDESK_AGENTS'], held: true });
    expect(
      customerCriteria({ partnerTenantId: partner, roles: ['SALES_AGENT'] }, azure).azureRoleGroups,
    ).toEqual({ groups: [], held: true });
  });

  it('R16: an unknown service or an overlong search is INVALID_INPUT; a blank search is none', () => {
    const viewer = { partnerTenantId: partner, roles: [] };
    expect(() => customerCriteria(viewer, { service: { name: 'Outlook', usable: true } })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => customerCriteria(viewer, { search: 'x'.repeat(101) })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(customerCriteria(viewer, { search: '  ' }).searchPrefix).toBeNull();
    expect(customerCriteria(viewer, {}).relationshipActive).toBe(true);
  });
});
