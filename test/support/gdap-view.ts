import {
  encodeFlatPairSummary,
  type PairSummaryEncoder,
} from '../../projections/gdap/gdap-pair-summary';
import type { GdapRelationshipView } from '../../projections/gdap/gdap-relationship-view';
import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';

const ROLES = [
  DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR,
  DIRECTORY_ROLES.USER_ADMINISTRATOR,
  DIRECTORY_ROLES.EXCHANGE_ADMINISTRATOR,
];

/**
 * The stored view of an active GDAP relationship of `partnerTenantId` with `customer-<index>`
 * (three roles, two active assignments unless `changes` say otherwise), as gdap-relationships
 * writes it: for specs and benchmarks that fill the read model without replaying events.
 */
export function activeGdapView(
  partnerTenantId: string,
  index: number,
  changes: Partial<GdapRelationshipView> = {},
): GdapRelationshipView {
  const relationshipId = `${String(index).padStart(8, '0')}-0000-4000-8000-000000000000@${partnerTenantId}`;
  const at = '2026-01-01T00:00:00.000Z';
  return {
    relationshipId,
    partnerTenantId,
    partnerName: 'Contoso Partners',
    customerTenantId: `customer-${index}`,
    displayName: `Helpdesk ${index}`,
    duration: 'P730D',
    roles: ROLES,
    autoExtendDuration: 'P180D',
    status: 'active',
    approvalUrl: null,
    emailDraft: null,
    approvalExpiresAt: null,
    activatedAt: at,
    endDateTime: '2099-01-01T00:00:00.000Z',
    createdAt: at,
    changedAt: at,
    assignments: ['HELPDESK_AGENTS', 'tier-two'].map((group) => ({
      assignmentId: `${index}-${group}`,
      relationshipId,
      securityGroupId: group,
      roles: ROLES,
      status: 'active',
      createdAt: at,
    })),
    ...changes,
  };
}

/** A pair summary's text as gdap-relationships version 5 wrote it, which later versions still read. */
export const encodePairSummaryV5: PairSummaryEncoder = (views) => encodeFlatPairSummary(views, 5);
