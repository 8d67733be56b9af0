import type { GdapEvent } from '../../../src/gdap/domain/events';
import { askedFor } from '../../../src/gdap/domain/asked-for';
import { ASSIGNMENT, CONTOSO, FABRIKAM, HELPDESK, REL, REL2 } from './gdap.fixtures';

const pair = { relationshipId: REL, partnerTenantId: CONTOSO, customerTenantId: FABRIKAM };
const other = { ...pair, relationshipId: REL2 };
const assignment = { ...pair, assignmentId: ASSIGNMENT };
const anotherAssignment = { ...pair, assignmentId: '44444444-4444-4444-8444-444444444444' };
const created = (data: typeof assignment): GdapEvent => ({
  type: 'DelegatedAdminAccessAssignmentCreated',
  data: { ...data, securityGroupId: 'HELPDESK_AGENTS', roles: [HELPDESK] },
});
const endDateTime = '2026-04-01T00:00:00.000Z';

describe('which request a scheduled GDAP step finishes', () => {
  it.each<[string, GdapEvent, GdapEvent, GdapEvent]>([
    [
      'R64: a termination, the request to terminate that relationship',
      { type: 'DelegatedAdminRelationshipTerminated', data: pair },
      {
        type: 'DelegatedAdminRelationshipTerminationRequested',
        data: { ...pair, requestedBy: 'CUSTOMER' },
      },
      {
        type: 'DelegatedAdminRelationshipTerminationRequested',
        data: { ...other, requestedBy: 'CUSTOMER' },
      },
    ],
    [
      'R66: an activation, that assignment’s creation',
      { type: 'DelegatedAdminAccessAssignmentActivated', data: assignment },
      created(assignment),
      created(anotherAssignment),
    ],
    [
      'R66: a deletion, the request to delete that assignment',
      { type: 'DelegatedAdminAccessAssignmentDeleted', data: assignment },
      { type: 'DelegatedAdminAccessAssignmentDeletionRequested', data: assignment },
      { type: 'DelegatedAdminAccessAssignmentDeletionRequested', data: anotherAssignment },
    ],
  ])('%s, not another’s', (_, step, asking, another) => {
    const askedBy = askedFor(step);
    expect(askedBy?.(asking)).toBe(true);
    expect(askedBy?.(another)).toBe(false);
    expect(askedBy?.(step)).toBe(false);
  });

  it.each<GdapEvent>([
    { type: 'DelegatedAdminRelationshipApprovalExpired', data: pair },
    { type: 'DelegatedAdminRelationshipExpiring', data: { ...pair, endDateTime } },
    { type: 'DelegatedAdminRelationshipExpired', data: { ...pair, endDateTime } },
    {
      type: 'DelegatedAdminRelationshipAutoExtended',
      data: { ...pair, previousEndDateTime: endDateTime, endDateTime: '2026-09-28T00:00:00.000Z' },
    },
  ])('R62, R63: $type is decided by time alone and finishes no request', (step) => {
    expect(askedFor(step)).toBeNull();
  });
});
