import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { GdapScheduler } from '../../src/gdap/gdap-scheduler';
import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import { appForSuite, describeOnBothStores } from '../support/app';
import { type Answer, revokeBeforeFirstAppendTo } from '../support/revoke-before-append';
import { people } from '../support/tenants';
import { readModelsCaughtUp } from '../support/caught-up';

const { HELPDESK_ADMINISTRATOR, SECURITY_READER } = DIRECTORY_ROLES;
// Without DAP, so what Hal (a Helpdesk Agent) may do comes from GDAP alone.
const INVITE = `mutation { requestResellerRelationship(input: { includeDelegatedAdmin: false, customerTenantId: "fabrikam" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId } }`;
const CREATE = `mutation ($input: CreateDelegatedAdminRelationshipInput!) { createDelegatedAdminRelationship(input: $input) { id } }`;
const REQUEST = `mutation ($id: ID!) { requestDelegatedAdminRelationshipApproval(input: { relationshipId: $id }) { id } }`;
const APPROVE = `mutation ($id: ID!) { approveDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const ASSIGN = `mutation ($id: ID!, $roles: [ID!]) { createDelegatedAdminAccessAssignment(input: { relationshipId: $id, securityGroupId: "HELPDESK_AGENTS", roleTemplateIds: $roles }) { accessAssignments { id } } }`;
const UPDATE = `mutation ($input: UpdateDelegatedAdminAccessAssignmentInput!) { updateDelegatedAdminAccessAssignment(input: $input) {
  accessAssignments { id status securityGroupId roles { displayName } lastModifiedDateTime } } }`;
const OPEN_SR = `mutation ($n: String!) { openServiceRequest(input: { customerTenantId: "fabrikam", title: $n, description: "Reset a password" }) { id } }`;
const ACCESS = `{ effectiveAccess(partnerTenantId: "contoso-partners", customerTenantId: "fabrikam", role: HELPDESK_AGENT) { capabilities { action allowed reason rule } } }`;
const AUDIT = `{ auditLog(first: 5, filter: { eventTypes: ["DelegatedAdminAccessAssignmentUpdated"] }) { nodes { summary } } }`;
const GDAP_ACCESS = `{ customer(tenantId: "fabrikam") { gdapAccess { securityGroupId roles { displayName } } } }`;

const codeOf = (answer: Answer) => answer.errors?.[0].extensions;

/**
 * R66: a partner changes the roles an access assignment gives its group (Graph's update of
 * accessDetails), at once; roles taken away are a revocation: partner actions decided on them
 * before are refused when they come to append (the GDAP stream's revocation fences, R67).
 */
describeOnBothStores('changing the roles of a GDAP access assignment', (onEsdb) => {
  const app = appForSuite({ onEsdbDouble: onEsdb });
  let ann: string;
  let hal: string;
  let fay: string;
  let store: EventStore;
  let relationshipId: string;
  let assignmentId: string;

  beforeAll(async () => {
    store = app.app.get<EventStore>(EVENT_STORE);
    [ann, hal, fay] = await Promise.all([people.ann, people.hal, people.fay].map(app.token));
    const invitation = await app.gql(ann, INVITE);
    await app.gql(fay, ACCEPT, { id: invitation.data.requestResellerRelationship.id });
    const created = await app.gql(ann, CREATE, {
      input: {
        customerTenantId: 'fabrikam',
        displayName: 'Helpdesk',
        duration: 'P90D',
        roles: [HELPDESK_ADMINISTRATOR, SECURITY_READER].map(({ roleTemplateId }) => ({
          roleTemplateId,
        })),
      },
    });
    relationshipId = created.data.createDelegatedAdminRelationship.id;
    await app.gql(ann, REQUEST, { id: relationshipId });
    await app.gql(fay, APPROVE, { id: relationshipId });
  });

  /** HELPDESK_AGENTS' assignment, holding Helpdesk Administrator, activated (one per group). */
  async function assignHelpdesk(): Promise<void> {
    const assigned = await app.gql(ann, ASSIGN, {
      id: relationshipId,
      roles: [HELPDESK_ADMINISTRATOR.roleTemplateId],
    });
    expect(assigned.errors).toBeUndefined();
    assignmentId = assigned.data.createDelegatedAdminAccessAssignment.accessAssignments.at(-1).id;
    await app.app.get(GdapScheduler).runDue();
    // The scheduler's activation is not Hal's write: wait until the read models have applied it.
    await readModelsCaughtUp(app);
  }
  const toRoles = (roles: { roleTemplateId: string }[]) => ({
    input: {
      relationshipId,
      assignmentId,
      accessDetails: {
        unifiedRoles: roles.map(({ roleTemplateId }) => ({ roleDefinitionId: roleTemplateId })),
      },
    },
  });
  const helpdeskActions = async () =>
    (await app.gql(hal, ACCESS)).data.effectiveAccess.capabilities.find(
      (capability: { action: string }) => capability.action === 'HELPDESK_ACTIONS',
    );

  it('R66, R67: the group holds the new roles at once, and loses those left out', async () => {
    await assignHelpdesk();
    expect(await helpdeskActions()).toMatchObject({ allowed: true, rule: 'R67' });

    const updated = await app.gql(ann, UPDATE, toRoles([SECURITY_READER]));
    expect(updated.errors).toBeUndefined();
    const [assignment] = updated.data.updateDelegatedAdminAccessAssignment.accessAssignments;
    expect(assignment).toMatchObject({
      id: assignmentId,
      status: 'active',
      securityGroupId: 'HELPDESK_AGENTS',
      roles: [{ displayName: 'Security Reader' }],
    });

    const refused = await helpdeskActions();
    expect(refused).toMatchObject({ allowed: false, rule: 'R14' });
    expect(refused.reason).toContain('no active GDAP access assignment of HELPDESK_AGENTS');
    expect((await app.gql(ann, GDAP_ACCESS)).data.customer.gdapAccess).toEqual([
      { securityGroupId: 'HELPDESK_AGENTS', roles: [{ displayName: 'Security Reader' }] },
    ]);
    expect((await app.gql(fay, AUDIT)).data.auditLog.nodes[0].summary).toBe(
      'Ann (Contoso Partners, AdminAgent) changed the access assignment of HELPDESK_AGENTS in GDAP relationship "Helpdesk" to Security Reader (was Helpdesk Administrator)',
    );
  });

  it('R66: the same roles again, roles of no such kind, both forms or the customer: nothing is recorded', async () => {
    const head = async () => (await store.readStream('gdap-contoso-partners')).length;
    const before = await head();
    const same = await app.gql(ann, UPDATE, toRoles([SECURITY_READER]));
    expect(same.errors).toBeUndefined();
    const refusals: [string, Record<string, unknown>, Record<string, unknown>][] = [
      [
        ann,
        toRoles([DIRECTORY_ROLES.GLOBAL_ADMINISTRATOR]),
        { code: 'INVALID_INPUT', rule: 'R66' },
      ],
      [
        ann,
        {
          input: {
            ...toRoles([SECURITY_READER]).input,
            roleTemplateIds: [SECURITY_READER.roleTemplateId],
          },
        },
        { code: 'INVALID_INPUT', rule: 'R66' },
      ],
      [ann, { input: { relationshipId, assignmentId } }, { code: 'INVALID_INPUT', rule: 'R66' }],
      // The partner's own operation: the customer's admin, who sees the relationship, is told so.
      [fay, toRoles([HELPDESK_ADMINISTRATOR]), { code: 'FORBIDDEN', rule: 'R66' }],
      [
        ann,
        {
          input: {
            ...toRoles([SECURITY_READER]).input,
            assignmentId: '00000000-0000-4000-8000-000000000000',
          },
        },
        { code: 'NOT_FOUND' },
      ],
    ];
    for (const [token, variables, expected] of refusals) {
      expect(codeOf(await app.gql(token, UPDATE, variables))).toMatchObject(expected);
    }
    expect(await head()).toBe(before);
  });

  it('R66, R67: a service request decided on a role the change takes away is refused when it comes to append', async () => {
    await app.gql(ann, UPDATE, toRoles([HELPDESK_ADMINISTRATOR])); // the first test's assignment
    expect(await helpdeskActions()).toMatchObject({ allowed: true });
    const hook = revokeBeforeFirstAppendTo(store, 'servicerequests', () =>
      app.gql(ann, UPDATE, toRoles([SECURITY_READER])),
    );
    try {
      const answer = await app.gql(hal, OPEN_SR, { n: 'decided before the change' });
      expect(hook.revoked.answer?.errors).toBeUndefined();
      expect(codeOf(answer)).toMatchObject({ code: 'FORBIDDEN' });
    } finally {
      hook.restore();
    }
    const opened = (await store.readStream('servicerequests-contoso-partners_fabrikam')).filter(
      (event) => event.type === 'ServiceRequestOpened',
    );
    expect(opened).toEqual([]);
  });

  it('R66, R67: a change that only adds roles sets no fence; one that takes a role away fences first', async () => {
    const fences = async () =>
      (await store.readStream('servicerequests-contoso-partners_fabrikam')).filter(
        (event) => event.type === 'PartnerAccessRevocationStarted',
      ).length;
    await app.gql(ann, UPDATE, toRoles([SECURITY_READER])); // as the previous test left it
    const before = await fences();
    const widened = await app.gql(ann, UPDATE, toRoles([HELPDESK_ADMINISTRATOR, SECURITY_READER]));
    expect(widened.errors).toBeUndefined();
    expect(await fences()).toBe(before);
    expect(await helpdeskActions()).toMatchObject({ allowed: true });

    const narrowed = await app.gql(ann, UPDATE, toRoles([SECURITY_READER]));
    expect(narrowed.errors).toBeUndefined();
    expect(await fences()).toBe(before + 1);
  });
});
