import { customerCriteria, searchKey } from '../../../src/delegated-admin/domain/customer-search';
import { DIRECTORY_ROLES } from '../../../src/gdap/domain/role-catalogue';

const partner = 'contoso-partners';

describe('Customers page search and filters, as the read model asks them (R16)', () => {
  it('R16: the search key drops accents and case and collapses spaces', () => {
    expect(searchKey('  Émile   CAFÉ ')).toBe('emile cafe');
    expect(searchKey('Ålesund')).toBe('alesund');
    expect(searchKey('ﬁsk')).toBe('fisk'); // compatibility forms too
  });

  it('R14, R67: a Microsoft 365 portal is usable through DAP for Admin and Helpdesk Agents, or through the caller’s groups’ GDAP roles', () => {
    const at = new Date('2026-12-04T10:00:00Z');
    const usable = { service: { name: 'Exchange', usable: true } };
    const unusable = { service: { name: 'Exchange', usable: false } };
    const admin = {
      partnerTenantId: partner,
      roles: ['ADMIN_AGENT'] as const,
      groups: ['ADMIN_AGENTS'],
    };
    const sales = {
      partnerTenantId: partner,
      roles: ['SALES_AGENT'] as const,
      groups: ['SALES_AGENTS', 'Mail desk'],
    };
    expect(customerCriteria(admin, usable, at).portalsUsable).toEqual({
      usable: true,
      dapStatuses: ['ACTIVE'],
      gdapGroups: ['ADMIN_AGENTS'],
      gdapRoleTemplateIds: expect.arrayContaining([
        DIRECTORY_ROLES.EXCHANGE_ADMINISTRATOR.roleTemplateId,
        DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR.roleTemplateId,
      ]),
      at: '2026-12-04T10:00:00.000Z',
    });
    expect(customerCriteria(admin, unusable, at).portalsUsable).toMatchObject({
      usable: false,
      dapStatuses: ['ACTIVE'],
    });
    expect(customerCriteria(sales, usable, at).portalsUsable).toMatchObject({
      dapStatuses: [],
      gdapGroups: ['SALES_AGENTS', 'Mail desk'],
    });
    expect(
      customerCriteria({ partnerTenantId: partner, roles: [], groups: [] }, usable, at)
        .portalsUsable!.gdapRoleTemplateIds,
    ).not.toContain(DIRECTORY_ROLES.SECURITY_READER.roleTemplateId);
    // A DAP status filter stays a condition of its own beside the service's.
    const both = customerCriteria(admin, { ...usable, delegatedAdminStatus: ['NONE'] }, at);
    expect(both.dapStatuses).toEqual(['NONE']);
    expect(both.portalsUsable).toMatchObject({ usable: true, dapStatuses: ['ACTIVE'] });
  });

  it('R21, R23: Azure is usable through the caller’s groups’ subscription roles', () => {
    const azure = { service: { name: 'Azure', usable: true } };
    expect(
      customerCriteria(
        {
          partnerTenantId: partner,
          roles: ['ADMIN_AGENT', 'HELPDESK_AGENT'],
          groups: ['ADMIN_AGENTS', 'HELPDESK_AGENTS'],
        },
        azure,
        new Date(),
      ).azureRoleGroups,
    ).toEqual({ groups: ['ADMIN_AGENTS', 'HELPDESK_AGENTS'], held: true });
    expect(
      customerCriteria(
        { partnerTenantId: partner, roles: ['SALES_AGENT'], groups: ['SALES_AGENTS'] },
        azure,
        new Date(),
      ).azureRoleGroups,
    ).toEqual({ groups: [], held: true });
  });

  it('R16: an unknown service or an overlong search is INVALID_INPUT; a blank search is none', () => {
    const viewer = { partnerTenantId: partner, roles: [], groups: [] };
    expect(() =>
      customerCriteria(viewer, { service: { name: 'Outlook', usable: true } }, new Date()),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => customerCriteria(viewer, { search: 'x'.repeat(101) }, new Date())).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(customerCriteria(viewer, { search: '  ' }, new Date()).searchPrefix).toBeNull();
    expect(customerCriteria(viewer, {}, new Date()).relationshipActive).toBe(true);
  });
});
