import {
  roleIdsAllowing,
  ROLES_ALLOWING,
  type DirectoryAction,
} from '../../../src/gdap/domain/directory-actions';
import {
  type DirectoryFacts,
  directoryRoleAllowing,
  effectiveDirectoryRoles,
  type GdapGrant,
  noGdapRoleAllowing,
} from '../../../src/gdap/domain/effective-roles';
import { DIRECTORY_ROLES, type DirectoryRole } from '../../../src/gdap/domain/role-catalogue';

const { GLOBAL_ADMINISTRATOR, HELPDESK_ADMINISTRATOR, INTUNE_ADMINISTRATOR, SECURITY_READER } =
  DIRECTORY_ROLES;

const grant = (
  assignmentId: string,
  securityGroupId: string,
  roles: DirectoryRole[] = [HELPDESK_ADMINISTRATOR],
): GdapGrant => ({
  relationshipId: `rel-${assignmentId}`,
  relationshipName: `Relationship ${assignmentId}`,
  assignmentId,
  securityGroupId,
  roles,
  endDateTime: '2099-01-01T00:00:00.000Z',
});

const GRANTS: GdapGrant[] = [
  grant('readers', 'tier-two', [SECURITY_READER]),
  grant('helpdesk', 'HELPDESK_AGENTS'),
  grant('devices', 'tier-two', [SECURITY_READER, INTUNE_ADMINISTRATOR]),
  grant('global', 'ADMIN_AGENTS', [GLOBAL_ADMINISTRATOR]),
];

const GROUPS = [
  [],
  ['ADMIN_AGENTS'],
  ['HELPDESK_AGENTS'],
  ['SALES_AGENTS'],
  ['tier-two'],
  ['SALES_AGENTS', 'tier-two'],
  ['ADMIN_AGENTS', 'HELPDESK_AGENTS', 'tier-two'],
];
const FACTS: DirectoryFacts[] = [true, false].flatMap((dapActive) =>
  [[], GRANTS, GRANTS.slice(2), [...GRANTS].reverse()].map((gdapGrants) => ({
    dapActive,
    gdapGrants,
  })),
);
const ACTIONS: DirectoryAction[] = [
  'MANAGE_DIRECTORY',
  'USE_ADMIN_PORTALS',
  'OPEN_SERVICE_REQUEST',
  'HELPDESK_ACTIONS',
  'AUTOPILOT',
];

describe('effective directory roles (R67)', () => {
  it('R67: DAP roles of the groups first, then every active assignment’s roles, each naming its grant', () => {
    const held = effectiveDirectoryRoles(['HELPDESK_AGENTS', 'tier-two'], {
      dapActive: true,
      gdapGrants: GRANTS,
    });
    expect(held.map((role) => [role.displayName, role.securityGroupId, role.source])).toEqual([
      ['Helpdesk Administrator', 'HELPDESK_AGENTS', { kind: 'DAP' }],
      ['Security Reader', 'tier-two', expect.objectContaining({ assignmentId: 'readers' })],
      ['Helpdesk Administrator', 'HELPDESK_AGENTS', expect.objectContaining({ kind: 'GDAP' })],
      ['Security Reader', 'tier-two', expect.objectContaining({ assignmentId: 'devices' })],
      ['Intune Administrator', 'tier-two', expect.objectContaining({ assignmentId: 'devices' })],
    ]);
    expect(held[4]).toEqual({
      ...INTUNE_ADMINISTRATOR,
      securityGroupId: 'tier-two',
      source: {
        kind: 'GDAP',
        relationshipId: 'rel-devices',
        relationshipName: 'Relationship devices',
        assignmentId: 'devices',
        securityGroupId: 'tier-two',
      },
    });
  });

  it('R67: the role allowing an action is the first effective role that allows it, for every group, grant and action', () => {
    for (const groups of GROUPS) {
      for (const facts of FACTS) {
        for (const action of ACTIONS) {
          const allowing = roleIdsAllowing(action);
          const first = effectiveDirectoryRoles(groups, facts).find((role) =>
            allowing.includes(role.roleTemplateId),
          );
          expect([
            groups,
            facts.dapActive,
            action,
            directoryRoleAllowing(groups, facts, action),
          ]).toEqual([groups, facts.dapActive, action, first]);
        }
      }
    }
  });

  it('R67: what is worked out is the caller’s own: changing an answer changes no later one', () => {
    const facts = { dapActive: true, gdapGrants: GRANTS };
    const [dap] = effectiveDirectoryRoles(['ADMIN_AGENTS'], facts);
    expect(() => {
      (dap as { displayName: string }).displayName = 'Changed';
    }).toThrow(TypeError);
    expect(effectiveDirectoryRoles(['ADMIN_AGENTS'], facts)[0].displayName).toBe(
      'Global Administrator',
    );
  });

  it('R67: a refusal names the groups and, for each action, exactly the roles that would allow it', () => {
    const catalogue = Object.values(DIRECTORY_ROLES);
    for (const action of ACTIONS) {
      const { missing } = noGdapRoleAllowing(['HELPDESK_AGENTS', 'tier-two'], action, 'this');
      expect(missing).toMatch(/^no active GDAP access assignment of HELPDESK_AGENTS, tier-two /);
      const allowing = new Set<string>(ROLES_ALLOWING[action].map((role) => role.roleTemplateId));
      for (const role of catalogue) {
        expect([role.displayName, missing.includes(role.displayName)]).toEqual([
          role.displayName,
          allowing.has(role.roleTemplateId),
        ]);
      }
    }
    expect(noGdapRoleAllowing(['ADMIN_AGENTS'], 'AUTOPILOT', 'managing Autopilot').missing).toBe(
      'no active GDAP access assignment of ADMIN_AGENTS holds a role that allows managing Autopilot (Global Administrator or Intune Administrator)',
    );
  });

  it('R67: the remedy asks for the role on the group, or on one of the groups', () => {
    expect(noGdapRoleAllowing(['ADMIN_AGENTS'], 'MANAGE_DIRECTORY', 'x').remedy).toBe(
      'the partner must assign one of these roles to the group in a GDAP relationship the customer approved',
    );
    expect(
      noGdapRoleAllowing(['ADMIN_AGENTS', 'tier-two'], 'MANAGE_DIRECTORY', 'x').remedy,
    ).toMatch(/to one of the groups in/);
  });
});
