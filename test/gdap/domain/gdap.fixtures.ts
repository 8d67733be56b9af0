import type { GdapCommand } from '../../../src/gdap/domain/commands';
import type { GdapStreamEvent } from '../../../src/gdap/domain/events';
import { gdapDecider } from '../../../src/gdap/domain/gdap.decider';
import { DIRECTORY_ROLES } from '../../../src/gdap/domain/role-catalogue';
import { customerGlobalAdmin, decideOn, partnerUser } from '../../support/given';

export const T0 = new Date('2026-01-01T00:00:00.000Z');
export const DAY = 86_400_000;
export const at = (days: number): Date => new Date(T0.getTime() + days * DAY);

export const CONTOSO = 'contoso-partners';
export const FABRIKAM = 'fabrikam';
export const REL = '11111111-1111-4111-8111-111111111111@contoso-partners';
export const REL2 = '22222222-2222-4222-8222-222222222222@contoso-partners';
export const ASSIGNMENT = '33333333-3333-4333-8333-333333333333';

export const ann = partnerUser(['AdminAgent'], { tenantId: CONTOSO, tenantName: 'Contoso' });
export const sam = partnerUser(['SalesAgent'], { tenantId: CONTOSO, tenantName: 'Contoso' });
export const fay = customerGlobalAdmin({
  tenantId: FABRIKAM,
  tenantName: 'Fabrikam',
  tenantDomain: 'fabrikam.onmicrosoft.com',
});

export const { GLOBAL_ADMINISTRATOR: GA, USER_ADMINISTRATOR: USER_ADMIN } = DIRECTORY_ROLES;
export const { EXCHANGE_ADMINISTRATOR: EXCHANGE, HELPDESK_ADMINISTRATOR: HELPDESK } =
  DIRECTORY_ROLES;

export const createCommand = (
  overrides: Partial<Extract<GdapCommand, { type: 'CreateDelegatedAdminRelationship' }>> = {},
): GdapCommand => ({
  type: 'CreateDelegatedAdminRelationship',
  actor: ann,
  relationshipId: REL,
  customerTenantId: FABRIKAM,
  displayName: 'Contoso helpdesk',
  duration: 'P730D',
  roles: [USER_ADMIN, EXCHANGE],
  autoExtendDuration: 'P180D',
  ...overrides,
});

export const requestApproval = (relationshipId = REL): GdapCommand => ({
  type: 'RequestDelegatedAdminRelationshipApproval',
  actor: ann,
  relationshipId,
  approvalBaseUrl: 'https://admin.microsoft.com/AdminPortal/Home#/partners/invitation',
});

export const approve = (relationshipId = REL, actor = fay): GdapCommand => ({
  type: 'ApproveDelegatedAdminRelationship',
  actor,
  relationshipId,
});

export const assign = (
  securityGroupId = 'ADMIN_AGENTS',
  roleTemplateIds: string[] = [USER_ADMIN.roleTemplateId],
  assignmentId = ASSIGNMENT,
): GdapCommand => ({
  type: 'CreateDelegatedAdminAccessAssignment',
  actor: ann,
  relationshipId: REL,
  assignmentId,
  securityGroupId,
  roleTemplateIds,
});

export const due: GdapCommand = { type: 'RecordDueTransitions' };

/** A history made by the decider itself: each [command, day] decided on the events before it. */
export function historyOf(...steps: [GdapCommand, number][]): GdapStreamEvent[] {
  return steps.reduce<GdapStreamEvent[]>(
    (events, [command, day]) => [...events, ...decideOn(gdapDecider, events, command, at(day))],
    [],
  );
}

/** A second relationship (REL2) named `displayName`, created and sent for approval on `day`. */
export const secondPendingOn = (displayName: string, day: number) =>
  historyOf(
    [createCommand({ relationshipId: REL2, displayName }), day],
    [requestApproval(REL2), day],
  );

/** Created on day 0, approval asked on day 0, approved on day 1 (ends day 731), assignment activated. */
export const activeWithAssignment = (overrides = {}) =>
  historyOf(
    [createCommand(overrides), 0],
    [requestApproval(), 0],
    [approve(), 1],
    [assign(), 1],
    [due, 1],
  );
