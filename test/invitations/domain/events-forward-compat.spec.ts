import { pairOf, readDomainEvent } from '../../../src/events';

/** Payloads exactly as version 1 of these events was stored, before they named their pair. */
const V1 = {
  InvitationCreated: {
    invitationId: '3f0b6a8e-1d2c-4e5f-8a9b-0c1d2e3f4a5b',
    partnerTenantId: 'contoso-partners',
    partnerName: 'Contoso Partners',
    includeDelegatedAdmin: true,
    intendedCustomer: { tenantId: 'fabrikam' },
    invitationUrl: 'https://admin.microsoft.com/Adminportal/Home?invId=3f0b6a8e',
    emailDraft: { subject: 'Invitation', body: 'https://admin.microsoft.com/Adminportal/Home' },
    createdAt: '2025-03-01T09:00:00.000Z',
    expiresAt: '2025-05-30T09:00:00.000Z',
  },
  InvitationAccepted: {
    invitationId: '3f0b6a8e-1d2c-4e5f-8a9b-0c1d2e3f4a5b',
    partnerTenantId: 'contoso-partners',
    partnerName: 'Contoso Partners',
    includeDelegatedAdmin: true,
    customer: { tenantId: 'fabrikam', name: 'Fabrikam', domain: 'fabrikam.onmicrosoft.com' },
  },
  RelationshipEstablished: {
    partnerTenantId: 'contoso-partners',
    partnerName: 'Contoso Partners',
    customer: { tenantId: 'fabrikam', name: 'Fabrikam', domain: 'fabrikam.onmicrosoft.com' },
    invitationId: '3f0b6a8e-1d2c-4e5f-8a9b-0c1d2e3f4a5b',
  },
};

describe('invitation and relationship events stored before schema version 2', () => {
  it.each(Object.entries(V1))('%s v1 reads with its pair named at the top level', (type, data) => {
    const reading = readDomainEvent(type, 1, structuredClone(data));
    expect(reading).toEqual({
      readable: true,
      event: { type, data: { ...data, customerTenantId: 'fabrikam' } },
    });
    if (!reading.readable) return;
    expect(pairOf(reading.event)).toEqual({
      partnerTenantId: 'contoso-partners',
      customerTenantId: 'fabrikam',
    });
  });

  it('R4: an invitation v1 addressed to no customer tenant names no customer', () => {
    const open = { ...V1.InvitationCreated, intendedCustomer: null };
    const domainOnly = { ...V1.InvitationCreated, intendedCustomer: { domain: 'fabrikam.com' } };
    for (const data of [open, domainOnly]) {
      const reading = readDomainEvent('InvitationCreated', 1, data);
      expect(reading.readable && pairOf(reading.event)).toEqual({
        partnerTenantId: 'contoso-partners',
        customerTenantId: null,
      });
    }
  });

  it('the current version reads as written', () => {
    const data = { ...V1.RelationshipEstablished, customerTenantId: 'fabrikam' };
    expect(readDomainEvent('RelationshipEstablished', 2, data)).toEqual({
      readable: true,
      event: { type: 'RelationshipEstablished', data },
    });
  });
});
