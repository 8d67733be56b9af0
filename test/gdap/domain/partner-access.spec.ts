import { partnerGrants } from '../../../src/gdap/domain/partner-access';
import { ASSIGNMENT, CONTOSO, REL, USER_ADMIN } from './gdap.fixtures';

const relationship = (roles: (typeof USER_ADMIN)[]) => ({
  relationshipId: REL,
  displayName: 'Helpdesk',
  status: 'active' as const,
  roles: [USER_ADMIN],
  endDateTime: '2027-01-01T00:00:00.000Z',
  assignments: [
    {
      assignmentId: ASSIGNMENT,
      securityGroupId: 'HELPDESK_AGENTS',
      roles,
      status: 'active' as const,
    },
  ],
});
const assignmentsListed = (roles: (typeof USER_ADMIN)[]) =>
  partnerGrants(CONTOSO, {
    partnerName: 'Contoso',
    relationshipActive: true,
    dap: { status: 'NONE', roles: [] },
    gdap: [relationship(roles)],
    subscriptions: [],
    autopilotPolicy: 'dap-required',
  }).filter((grant) => grant.kind === 'GDAP_ACCESS_ASSIGNMENT');

describe('the preview of a partner’s access', () => {
  it('R68, R65: an access assignment lists the roles its group holds; one left with none (Global Administrator removed before R65 deleted such) is no grant', () => {
    expect(assignmentsListed([USER_ADMIN])).toEqual([
      expect.objectContaining({
        id: ASSIGNMENT,
        description: 'HELPDESK_AGENTS holds User Administrator through “Helpdesk”.',
      }),
    ]);
    expect(assignmentsListed([])).toEqual([]);
  });
});
