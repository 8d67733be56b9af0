import type { GdapEvent } from '../../src/gdap/domain/events';
import type { DirectoryRole } from '../../src/gdap/domain/role-catalogue';
import { at } from './projection-spec';

/** A GDAP relationship of Contoso Partners with Fabrikam, and one of its access assignments. */
export const GDAP_RELATIONSHIP_ID = '11111111-1111-4111-8111-111111111111@contoso-partners';
export const GDAP_ASSIGNMENT_ID = '33333333-3333-4333-8333-333333333333';

/** What every event of that relationship's data names. */
export const GDAP_PAIR = {
  relationshipId: GDAP_RELATIONSHIP_ID,
  partnerTenantId: 'contoso-partners',
  customerTenantId: 'fabrikam',
};

/** Fay approves it (R62) at the specs' third minute, until the end of May 2025. */
export const GDAP_APPROVED: GdapEvent = {
  type: 'DelegatedAdminRelationshipApproved',
  data: {
    ...GDAP_PAIR,
    approvedByUserId: 'fay',
    activatedAt: at(2),
    endDateTime: '2025-05-30T09:02:00.000Z',
  },
};

/** Contoso Partners creates it (R60): "Fabrikam helpdesk", 90 days, with `roles`. */
export const gdapCreated = (
  roles: readonly DirectoryRole[],
  autoExtendDuration = 'PT0S',
): GdapEvent => ({
  type: 'DelegatedAdminRelationshipCreated',
  data: {
    ...GDAP_PAIR,
    partnerName: 'Contoso Partners',
    displayName: 'Fabrikam helpdesk',
    duration: 'P90D',
    roles: [...roles],
    autoExtendDuration,
  },
});
