import type { GdapEvent } from '../../../src/gdap/domain/events';
import { takesAccessAway } from '../../../src/gdap/domain/takes-access-away';
import type { DirectoryRole as Role } from '../../../src/gdap/domain/role-catalogue';
import { ASSIGNMENT, EXCHANGE, GA, REL, USER_ADMIN } from './gdap.fixtures';

const pair = {
  relationshipId: REL,
  partnerTenantId: 'contoso-partners',
  customerTenantId: 'fabrikam',
};
const reassigned = (before: Role[], roles: Role[]): GdapEvent => ({
  type: 'DelegatedAdminAccessAssignmentUpdated',
  data: { ...pair, assignmentId: ASSIGNMENT, securityGroupId: 'ADMIN_AGENTS', roles, before },
});
const fields = (roles: Role[], autoExtendDuration = 'PT0S') => ({
  displayName: 'Contoso helpdesk',
  duration: 'P730D',
  roles,
  autoExtendDuration,
});
const edited = (before: Role[] | undefined, roles: Role[]): GdapEvent => ({
  type: 'DelegatedAdminRelationshipUpdated',
  data: { ...pair, ...fields(roles, 'P180D'), ...(before ? { before: fields(before) } : {}) },
});

describe('which GDAP changes take access away (and so fence the partner’s dependent streams)', () => {
  it('R66, R67: an assignment change that loses a role does; one that only adds roles does not', () => {
    expect(takesAccessAway([reassigned([USER_ADMIN, EXCHANGE], [EXCHANGE])])).toBe(true);
    expect(takesAccessAway([reassigned([USER_ADMIN], [EXCHANGE])])).toBe(true);
    expect(takesAccessAway([reassigned([USER_ADMIN], [USER_ADMIN, EXCHANGE])])).toBe(false);
  });

  it('R61, R65, R67: an edit that removes a role does; one that changes only auto-extension or adds none does not', () => {
    expect(takesAccessAway([edited([GA, USER_ADMIN], [USER_ADMIN])])).toBe(true);
    expect(takesAccessAway([edited([USER_ADMIN], [USER_ADMIN])])).toBe(false);
    expect(takesAccessAway([edited(undefined, [USER_ADMIN])])).toBe(true);
  });

  it('R64, R66, R67: a termination or a deletion always does, whatever comes with it', () => {
    const terminated: GdapEvent = {
      type: 'DelegatedAdminRelationshipTerminationRequested',
      data: { ...pair, requestedBy: 'CUSTOMER' },
    };
    const deleting: GdapEvent = {
      type: 'DelegatedAdminAccessAssignmentDeletionRequested',
      data: { ...pair, assignmentId: ASSIGNMENT },
    };
    expect(takesAccessAway([terminated])).toBe(true);
    expect(takesAccessAway([deleting])).toBe(true);
    expect(takesAccessAway([reassigned([USER_ADMIN], [USER_ADMIN, EXCHANGE]), deleting])).toBe(
      true,
    );
    expect(takesAccessAway([])).toBe(false);
  });
});
