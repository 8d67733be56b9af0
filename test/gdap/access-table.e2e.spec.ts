import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import { GdapScheduler } from '../../src/gdap/gdap-scheduler';
import { appForSuite } from '../support/app';
import { people } from '../support/tenants';

const DAY = 86_400_000;
const HELPDESK = DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR.roleTemplateId;
const INTUNE = DIRECTORY_ROLES.INTUNE_ADMINISTRATOR.roleTemplateId;
const ROLE_IDS = [HELPDESK, INTUNE];
const INVITE = `mutation { requestResellerRelationship(input: { includeDelegatedAdmin: false, customerTenantId: "fabrikam" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId } }`;
const CREATE = `mutation ($name: String!) { createDelegatedAdminRelationship(input: { customerTenantId: "fabrikam", displayName: $name, duration: "P90D", roles: [${ROLE_IDS.map((id) => `{ roleTemplateId: "${id}" }`).join(', ')}] }) { id } }`;
const REQUEST = `mutation ($id: ID!) { requestDelegatedAdminRelationshipApproval(input: { relationshipId: $id }) { id } }`;
const APPROVE = `mutation ($id: ID!) { approveDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const ASSIGN = `mutation ($id: ID!, $group: String!, $role: ID!) { createDelegatedAdminAccessAssignment(input: { relationshipId: $id, securityGroupId: $group, roleTemplateIds: [$role] }) { accessAssignments { id securityGroupId } } }`;
const UNASSIGN = `mutation ($id: ID!, $assignmentId: ID!) { deleteDelegatedAdminAccessAssignment(input: { relationshipId: $id, assignmentId: $assignmentId }) { id } }`;
const TERMINATE = `mutation ($id: ID!) { terminateDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const LIST = `{ delegatedAdminRelationships { nodes { id status accessAssignments { status } } } }`;
const ACCESS = `query ($userId: ID, $role: PartnerRole) { effectiveAccess(partnerTenantId: "contoso-partners", customerTenantId: "fabrikam", userId: $userId, role: $role) { capabilities { action allowed rule } } }`;
const OPEN_SR = `mutation { openServiceRequest(input: { customerTenantId: "fabrikam", title: "Reset", description: "A password" }) { id } }`;
const CREATE_PROFILE = `mutation { createAutopilotProfile(input: { customerTenantId: "fabrikam", name: "Laptops" }) { id } }`;
const ADD_DEVICE = `mutation ($serial: String!) { addAutopilotDevices(input: { customerTenantId: "fabrikam", devices: [{ serialNumber: $serial, manufacturer: "Contoso", model: "L1" }] }) { id } }`;
const SERVICES = `{ customer(tenantId: "fabrikam") { services { name usable rule } } }`;
const OPERATIONS = `{ autopilotProfilesConnection(customerTenantId: "fabrikam") { nodes { allowedOperations } }
  autopilotDevicesConnection(customerTenantId: "fabrikam") { nodes { serialNumber allowedOperations } } }`;
const DIRECTORY = `{ directoryRoles { role members { userId } } }`;

const GROUP_ACCESS = `query ($userId: ID) { effectiveAccess(partnerTenantId: "contoso-partners", customerTenantId: "fabrikam", userId: $userId) { capabilities { action } groupCapabilities { securityGroupId action allowed reason rule } } }`;

/** An Admin Agent in the partner-defined group `device-team` (R66: membership from the token). */
const tina = { ...people.ann, sub: 'tina', name: 'Tina', roles: ['AdminAgent', 'device-team'] };

/**
 * Each partner role of the table, the user who holds it, the group GDAP assigns (with which role)
 * and how effectiveAccess is asked. The built-in groups get Helpdesk Administrator; the partner's
 * own group Intune Administrator, which alone lets Tina manage Autopilot profiles under
 * dap-required (R35 via R67): what she gains over Ann comes from her partner-defined group.
 */
const ROWS = [
  {
    row: 'Admin Agents',
    claims: people.ann,
    group: 'ADMIN_AGENTS',
    role: HELPDESK,
    ask: { role: 'ADMIN_AGENT' },
  },
  {
    row: 'Helpdesk Agents',
    claims: people.hal,
    group: 'HELPDESK_AGENTS',
    role: HELPDESK,
    ask: { role: 'HELPDESK_AGENT' },
  },
  {
    row: 'Sales Agents',
    claims: people.sam,
    group: 'SALES_AGENTS',
    role: HELPDESK,
    ask: { role: 'SALES_AGENT' },
  },
  {
    row: 'a partner-defined group',
    claims: tina,
    group: 'device-team',
    role: INTUNE,
    ask: { userId: 'tina' },
  },
];

type Answer = { errors?: { extensions?: { code?: string; rule?: string } }[]; data?: any };
const outcome = (answer: Answer) =>
  answer.errors
    ? `${answer.errors[0].extensions?.code} ${answer.errors[0].extensions?.rule}`
    : 'ALLOWED';

/**
 * R67 over HTTP, with DAP none and AUTOPILOT_POLICY=dap-required: for every partner role and GDAP
 * state (none, active with an assignment, assignment deleted, terminated, expired), what
 * effectiveAccess answers is what the real commands and pages do: opening a service request,
 * creating an Autopilot profile, the admin portals on the Customers page; and the customer's
 * directory-role listing never shows the partner's users (R11), whatever they hold.
 */
describe('R40, R67: effectiveAccess agrees with the commands over HTTP, every partner role and GDAP state', () => {
  const app = appForSuite({
    env: { AUTOPILOT_POLICY: 'dap-required', GDAP_SCHEDULER_MAX_SLEEP_MS: '20' },
  });
  const tokens: Record<string, string> = {};
  let fay: string;

  beforeAll(async () => {
    fay = await app.token(people.fay);
    for (const { row, claims } of ROWS) tokens[row] = await app.token(claims);
    const invitation = await app.gql(tokens['Admin Agents'], INVITE);
    await app.gql(fay, ACCEPT, { id: invitation.data.requestResellerRelationship.id });
    // Tina becomes a known user (effectiveAccess by userId reads the roles her token presented).
    expect(
      (await app.gql(await app.token(tina), ADD_DEVICE, { serial: 'T-1' })).errors,
    ).toBeUndefined();
  });

  const tick = () => app.app.get(GdapScheduler).runDue();
  async function settled(check: (nodes: any[]) => boolean): Promise<any[]> {
    for (let i = 0; i < 400; i++) {
      await tick();
      const nodes = (await app.gql(fay, LIST)).data.delegatedAdminRelationships.nodes;
      if (check(nodes)) return nodes;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('GDAP never settled');
  }

  /** A relationship approved now, every row's group assigned its role. */
  async function activeWithAssignments(
    name: string,
  ): Promise<{ id: string; assignments: string[]; ofGroup: Record<string, string> }> {
    const ann = tokens['Admin Agents'];
    const id = (await app.gql(ann, CREATE, { name })).data.createDelegatedAdminRelationship.id;
    await app.gql(ann, REQUEST, { id });
    expect((await app.gql(fay, APPROVE, { id })).errors).toBeUndefined();
    let assignments: { id: string; securityGroupId: string }[] = [];
    for (const { group, role } of ROWS) {
      const answer = await app.gql(ann, ASSIGN, { id, group, role });
      expect(answer.errors).toBeUndefined();
      assignments = answer.data.createDelegatedAdminAccessAssignment.accessAssignments;
    }
    await settled((nodes) =>
      nodes.some(
        (node) =>
          node.id === id &&
          node.accessAssignments.every((a: { status: string }) => a.status === 'active'),
      ),
    );
    return {
      id,
      assignments: assignments.map((a) => a.id),
      ofGroup: Object.fromEntries(assignments.map((a) => [a.securityGroupId, a.id])),
    };
  }

  /** For every row: effectiveAccess against the commands and pages, and what it allowed. */
  async function compareEveryRow(): Promise<Record<string, string>> {
    const allowed: Record<string, string> = {};
    for (const { row, ask, claims } of ROWS) {
      const token = tokens[row];
      const capabilities: { action: string; allowed: boolean; rule: string }[] = (
        await app.gql(token, ACCESS, ask)
      ).data.effectiveAccess.capabilities;
      const answer = (action: string) => capabilities.find((c) => c.action === action)!;
      const expected = (action: string) =>
        answer(action).allowed ? 'ALLOWED' : `FORBIDDEN ${answer(action).rule}`;

      expect([row, outcome(await app.gql(token, OPEN_SR))]).toEqual([
        row,
        expected('OPEN_SERVICE_REQUEST'),
      ]);
      expect([row, outcome(await app.gql(token, CREATE_PROFILE))]).toEqual([
        row,
        expected('MANAGE_AUTOPILOT_PROFILES'),
      ]);
      const services: { name: string; usable: boolean; rule: string }[] = (
        await app.gql(token, SERVICES)
      ).data.customer.services;
      for (const service of services.filter((s) => s.name !== 'Azure')) {
        expect([row, service.name, service.usable, service.rule]).toEqual([
          row,
          service.name,
          answer('USE_ADMIN_PORTALS').allowed,
          answer('USE_ADMIN_PORTALS').rule,
        ]);
      }
      // R36: what the lists offer is what the commands allow (under dap-required, GDAP's too).
      const { autopilotProfilesConnection: profiles, autopilotDevicesConnection: devices } = (
        await app.gql(token, OPERATIONS)
      ).data;
      const managesAutopilot = answer('MANAGE_AUTOPILOT_PROFILES').allowed;
      for (const profile of profiles.nodes) {
        expect([row, profile.allowedOperations]).toEqual([
          row,
          managesAutopilot ? ['UPDATE_PROFILE', 'DELETE_PROFILE'] : [],
        ]);
      }
      // Tina added T-1: an Admin Agent may remove it without DAP; assign a profile only with GDAP's.
      const t1 = devices.nodes.find((device: any) => device.serialNumber === 'T-1');
      const adminAgent = (claims as { roles: string[] }).roles.includes('AdminAgent');
      expect([row, t1.allowedOperations]).toEqual([
        row,
        adminAgent ? [...(managesAutopilot ? ['ASSIGN_PROFILE'] : []), 'REMOVE_DEVICE'] : [],
      ]);
      allowed[row] = ['OPEN_SERVICE_REQUEST', 'MANAGE_AUTOPILOT_PROFILES', 'USE_ADMIN_PORTALS']
        .filter((action) => answer(action).allowed)
        .join(' ');
    }
    const listing: { members: { userId: string }[] }[] = (await app.gql(fay, DIRECTORY)).data
      .directoryRoles;
    const partnerUsers = ROWS.map(({ claims }) => claims.sub);
    expect(
      listing.flatMap((role) => role.members).filter((m) => partnerUsers.includes(m.userId)),
    ).toEqual([]);
    return allowed;
  }

  const NOTHING = {
    'Admin Agents': '',
    'Helpdesk Agents': '',
    'Sales Agents': '',
    'a partner-defined group': '',
  };
  const HELPDESK_ONLY = 'OPEN_SERVICE_REQUEST USE_ADMIN_PORTALS';

  it('R67, R11, R14, R35, R63, R64, R66: none, active, assignment deleted, terminated, expired', async () => {
    expect(await compareEveryRow()).toEqual(NOTHING);

    const first = await activeWithAssignments('First');
    expect(await compareEveryRow()).toEqual({
      'Admin Agents': HELPDESK_ONLY,
      'Helpdesk Agents': HELPDESK_ONLY,
      'Sales Agents': HELPDESK_ONLY,
      // R35 via R67: Intune Administrator, through her own group, lets Tina manage profiles.
      'a partner-defined group': 'OPEN_SERVICE_REQUEST MANAGE_AUTOPILOT_PROFILES USE_ADMIN_PORTALS',
    });

    for (const assignmentId of first.assignments) {
      expect(
        (await app.gql(tokens['Admin Agents'], UNASSIGN, { id: first.id, assignmentId })).errors,
      ).toBeUndefined();
    }
    await settled((nodes) =>
      nodes.every((node) =>
        node.accessAssignments.every((a: { status: string }) => a.status === 'deleted'),
      ),
    );
    expect(await compareEveryRow()).toEqual(NOTHING);

    const second = await activeWithAssignments('Second');
    expect((await app.gql(fay, TERMINATE, { id: second.id })).errors).toBeUndefined();
    await settled((nodes) =>
      nodes.some((node) => node.id === second.id && node.status === 'terminated'),
    );
    expect(await compareEveryRow()).toEqual(NOTHING);

    const third = await activeWithAssignments('Third');
    expect((await compareEveryRow())['Helpdesk Agents']).toBe(HELPDESK_ONLY);
    app.clock.advance(91 * DAY);
    await settled((nodes) =>
      nodes.some((node) => node.id === third.id && node.status === 'expired'),
    );
    expect(await compareEveryRow()).toEqual(NOTHING);
  }, 60_000);

  /** In `device-team` and nothing else: no partner role, so every answer about her is the group's. */
  const tia = { ...people.ann, sub: 'tia', name: 'Tia', roles: ['device-team'] };

  it('R40, R66, R67: a user whose only group is partner-defined is answered for it, as the commands decide', async () => {
    const tiaToken = await app.token(tia);
    const { id, ofGroup } = await activeWithAssignments('Group only');
    // Intune Administrator through device-team: she opens a service request (and is now known).
    expect(outcome(await app.gql(tiaToken, OPEN_SR))).toBe('ALLOWED');

    type GroupAnswer = {
      securityGroupId: string;
      action: string;
      allowed: boolean;
      reason: string;
      rule: string;
    };
    const report = async (token: string, userId?: string) =>
      (await app.gql(token, GROUP_ACCESS, { userId })).data.effectiveAccess as {
        capabilities: unknown[];
        groupCapabilities: GroupAnswer[];
      };
    const expectedOf = (answers: GroupAnswer[], action: string) => {
      const found = answers.find((a) => a.action === action)!;
      return found.allowed ? 'ALLOWED' : `FORBIDDEN ${found.rule}`;
    };

    const aboutTia = await report(tokens['Admin Agents'], 'tia');
    expect(aboutTia.capabilities).toEqual([]);
    expect(new Set(aboutTia.groupCapabilities.map((a) => a.securityGroupId))).toEqual(
      new Set(['device-team']),
    );
    const sr = aboutTia.groupCapabilities.find((a) => a.action === 'OPEN_SERVICE_REQUEST')!;
    expect(sr).toMatchObject({ allowed: true, rule: 'R67' });
    expect(sr.reason).toContain(id);
    expect(sr.reason).toContain(ofGroup['device-team']);
    expect(outcome(await app.gql(tiaToken, CREATE_PROFILE))).toBe(
      expectedOf(aboutTia.groupCapabilities, 'MANAGE_AUTOPILOT_PROFILES'),
    );
    expect(expectedOf(aboutTia.groupCapabilities, 'MANAGE_AUTOPILOT_PROFILES')).toBe(
      'FORBIDDEN R30',
    );
    // R40: the partner's own users may ask; one whose only group is partner-defined, about itself.
    const herself = await app.gql(tiaToken, GROUP_ACCESS, {});
    expect(herself.errors).toBeUndefined();
    expect(herself.data.effectiveAccess.groupCapabilities).toEqual(aboutTia.groupCapabilities);
    const aboutAnn = await app.gql(tiaToken, GROUP_ACCESS, { userId: 'ann' });
    expect(aboutAnn.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R40' });
    const noGroup = await app.token({ ...tia, sub: 'nora', roles: [] });
    const refused = await app.gql(noGroup, GROUP_ACCESS, {});
    expect(refused.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R16' });
    // The customer's Global admin, asking about the partner, sees the group as GDAP grants it.
    const forFay = (await report(fay)).groupCapabilities;
    expect(forFay.filter((a) => a.allowed).map((a) => [a.securityGroupId, a.action])).toEqual([
      ['device-team', 'USE_ADMIN_PORTALS'],
      ['device-team', 'OPEN_SERVICE_REQUEST'],
    ]);

    expect((await app.gql(fay, TERMINATE, { id })).errors).toBeUndefined();
    await settled((nodes) => nodes.some((node) => node.id === id && node.status === 'terminated'));
    const afterwards = (await report(tokens['Admin Agents'], 'tia')).groupCapabilities;
    expect(afterwards.filter((a) => a.allowed)).toEqual([]);
    expect(outcome(await app.gql(tiaToken, OPEN_SR))).toBe(
      expectedOf(afterwards, 'OPEN_SERVICE_REQUEST'),
    );
    // Nothing grants to any group the partner defined any more: the partner's report lists none.
    expect((await report(fay)).groupCapabilities).toEqual([]);
  }, 60_000);
});
