import request from 'supertest';
import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
} from '../../src/platform/event-store/event-store';
import { appForSuite, describeOnBothStores } from '../support/app';
import { eventually } from '../support/eventually';
import { revokeBeforeFirstAppendTo } from '../support/revoke-before-append';
import { people } from '../support/tenants';

const INVITE = `mutation { requestResellerRelationship(input: { includeDelegatedAdmin: true, customerTenantId: "fabrikam" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId } }`;
const CREATE = `mutation ($name: String!) { createDelegatedAdminRelationship(input: { customerTenantId: "fabrikam", displayName: $name, duration: "P90D", roles: [{ roleTemplateId: "${DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR.roleTemplateId}" }] }) { id } }`;
const CREATE_FOR_WOODGROVE = `mutation { createDelegatedAdminRelationship(input: { customerTenantId: "woodgrove", displayName: "Woodgrove helpdesk", duration: "P90D", roles: [{ roleTemplateId: "${DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR.roleTemplateId}" }] }) { id } }`;
const REQUEST = `mutation ($id: ID!) { requestDelegatedAdminRelationshipApproval(input: { relationshipId: $id }) { id } }`;
const APPROVE = `mutation ($id: ID!) { approveDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const ASSIGN = `mutation ($id: ID!) { createDelegatedAdminAccessAssignment(input: { relationshipId: $id, securityGroupId: "tier-two", roleTemplateIds: ["${DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR.roleTemplateId}"] }) { accessAssignments { status } } }`;
const LIST = `{ delegatedAdminRelationships { nodes { id status accessAssignments { status } } } }`;
const PROVISION = `mutation { provisionAzureSubscription(input: { customerTenantId: "fabrikam", displayName: "Prod" }) { id } }`;
const PREVIEW = `{ previewRevokePartnerAccess(partnerTenantId: "contoso-partners") { grants { kind id description change endsOnRevoke } } }`;
const REVOKE = `mutation ($confirm: Boolean!) { revokePartnerAccess(partnerTenantId: "contoso-partners", confirm: $confirm) { grants { kind endsOnRevoke } } }`;
const ACCESS = `{ effectiveAccess(partnerTenantId: "contoso-partners", customerTenantId: "fabrikam") { capabilities { role action allowed rule } } }`;
const AUDIT_OF_REQUEST = `query ($id: ID!) { auditLog(first: 100, filter: { correlationId: $id }) { totalCount nodes { type correlationId } } }`;
const PROVISION_NAMED = `mutation ($n: String!) { provisionAzureSubscription(input: { customerTenantId: "fabrikam", displayName: $n }) { id } }`;
const ASSIGN_ROLE = `mutation ($id: ID!, $group: PartnerGroup!, $role: AzureRole!) { assignSubscriptionRole(input: { subscriptionId: $id, principal: { kind: PARTNER_GROUP, partnerTenantId: "contoso-partners", group: $group }, role: $role }) { id } }`;
const OPEN_SR = `mutation ($n: String!) { openServiceRequest(input: { customerTenantId: "fabrikam", title: $n, description: "Reset a password" }) { id } }`;

/** A Helpdesk Agent also in the partner-defined group `tier-two` (membership from the token). */
const tina = { ...people.hal, sub: 'tina', name: 'Tina', roles: ['SalesAgent', 'tier-two'] };

type Answer = { errors?: { message: string; extensions?: Record<string, unknown> }[]; data?: any };

describeOnBothStores('revoking a partner’s access', (onEsdb) => {
  const app = appForSuite({ onEsdbDouble: onEsdb, env: { GDAP_SCHEDULER_MAX_SLEEP_MS: '20' } });
  let store: EventStore;
  let ann: string;
  let fay: string;
  let tinaToken: string;

  beforeAll(async () => {
    store = app.app.get<EventStore>(EVENT_STORE);
    [ann, fay, tinaToken] = await Promise.all([people.ann, people.fay, tina].map(app.token));
  });

  async function activeGdap(name: string): Promise<string> {
    const id = (await app.gql(ann, CREATE, { name })).data.createDelegatedAdminRelationship.id;
    await app.gql(ann, REQUEST, { id });
    expect((await app.gql(fay, APPROVE, { id })).errors).toBeUndefined();
    expect((await app.gql(ann, ASSIGN, { id })).errors).toBeUndefined();
    await eventually(async () => (await relationship(id)).accessAssignments[0].status === 'active');
    return id;
  }

  async function relationship(id: string) {
    const nodes = (await app.gql(ann, LIST)).data.delegatedAdminRelationships.nodes;
    return nodes.find((node: { id: string }) => node.id === id);
  }

  it('R68, R70: the preview lists every grant; the revocation needs confirm, then ends them all in one request', async () => {
    const invitation = await app.gql(ann, INVITE);
    await app.gql(fay, ACCEPT, { id: invitation.data.requestResellerRelationship.id });
    const subscriptionId = (await app.gql(ann, PROVISION)).data.provisionAzureSubscription.id;
    const relationshipId = await activeGdap('Tier two');

    const preview: Answer = await app.gql(fay, PREVIEW);
    const kinds = preview.data.previewRevokePartnerAccess.grants.map(
      (g: { kind: string }) => g.kind,
    );
    expect(kinds).toEqual([
      'DELEGATED_ADMIN',
      'GDAP_RELATIONSHIP',
      'GDAP_ACCESS_ASSIGNMENT',
      'SUBSCRIPTION_ROLE_ASSIGNMENT',
      'RESELLER_RELATIONSHIP',
      'AUTOPILOT',
    ]);
    expect(preview.data.previewRevokePartnerAccess.grants[1].id).toBe(relationshipId);
    // A subscription is named as its owner knows it, with the id that tells two of a name apart.
    expect(preview.data.previewRevokePartnerAccess.grants[3].description).toBe(
      `ADMIN_AGENTS hold OWNER on Azure subscription “Prod” (${subscriptionId}).`,
    );
    expect((await app.gql(ann, PREVIEW)).errors?.[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      rule: 'R68',
    });

    const head = async () => (await store.readAll({ maxCount: 100_000 })).length;
    const before = await head();
    const unconfirmed: Answer = await app.gql(fay, REVOKE, { confirm: false });
    expect(unconfirmed.errors?.[0].extensions).toMatchObject({
      code: 'CONFIRMATION_REQUIRED',
      rule: 'R70',
    });
    // It names no count it has not worked out (it once said "changes 0 grants").
    expect(unconfirmed.errors?.[0].message).not.toMatch(/\d/);
    expect(await head()).toBe(before);

    // The customer names its request (x-request-id), to find what it did in the audit log after.
    const requestId = `revoke-fabrikam-${onEsdb ? 'esdb' : 'sqlite'}`;
    const response = await request(app.url)
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${fay}`)
      .set('x-request-id', requestId)
      .send({ query: REVOKE, variables: { confirm: true } });
    expect(response.headers['x-request-id']).toBe(requestId);
    const revoked = response.body as Answer;
    expect(revoked.errors).toBeUndefined();
    expect(revoked.data.revokePartnerAccess.grants).toEqual([
      { kind: 'RESELLER_RELATIONSHIP', endsOnRevoke: false },
      { kind: 'AUTOPILOT', endsOnRevoke: false },
    ]);
    // R64: the scheduler finishes the termination, for the same request.
    await eventually(async () => (await relationship(relationshipId)).status === 'terminated');
    const recorded = (await store.readAll({ maxCount: 100_000 })).slice(before);
    const changes = recorded.filter((event) =>
      [
        'DelegatedAdminRelationshipTerminationRequested',
        'DelegatedAdminRemoved',
        'SubscriptionRoleAssignmentRemoved',
      ].includes(event.type),
    );
    expect(changes.map((event) => event.type).sort()).toEqual([
      'DelegatedAdminRelationshipTerminationRequested',
      'DelegatedAdminRemoved',
      'SubscriptionRoleAssignmentRemoved',
    ]);
    expect(new Set(changes.map((event) => event.metadata.correlationId))).toEqual(
      new Set([requestId]),
    );
    // R41: the audit log lists exactly the request's entries, newest first, for its customer.
    const ofRequest = recorded.filter((event) => event.metadata.correlationId === requestId);
    expect(ofRequest.map((event) => event.type)).toContain('DelegatedAdminRelationshipTerminated');
    const audited = () => app.gql(fay, AUDIT_OF_REQUEST, { id: requestId });
    await eventually(async () => (await audited()).data.auditLog.totalCount === ofRequest.length);
    const audit: Answer = await audited();
    expect(audit.errors).toBeUndefined();
    expect(audit.data.auditLog.nodes.map((node: { type: string }) => node.type)).toEqual(
      ofRequest.map((event) => event.type).reverse(),
    );
    expect(audit.data.auditLog.totalCount).toBe(ofRequest.length);
    const malformed: Answer = await app.gql(fay, AUDIT_OF_REQUEST, { id: 'not a request id' });
    expect(malformed.errors?.[0].extensions).toEqual({ code: 'INVALID_INPUT' });

    const capabilities = (await app.gql(fay, ACCESS)).data.effectiveAccess.capabilities as {
      action: string;
      allowed: boolean;
    }[];
    const directory = [
      'MANAGE_DIRECTORY',
      'USE_ADMIN_PORTALS',
      'OPEN_SERVICE_REQUEST',
      'HELPDESK_ACTIONS',
    ];
    expect(
      capabilities
        .filter((c) => directory.includes(c.action) || c.action.startsWith('MANAGE_SUBSCRIPTION'))
        .filter((c) => c.allowed),
    ).toEqual([]);
  });

  it('R68, R50: a partner that never had anything in the tenant (or the tenant itself) is NOT_FOUND, and nothing is recorded', async () => {
    const wes = await app.token(people.wes);
    const head = async () => (await store.readAll({ maxCount: 100_000 })).length;
    const before = await head();
    for (const partnerTenantId of ['contoso-partners', 'no-such-partner', 'woodgrove']) {
      const preview = `{ previewRevokePartnerAccess(partnerTenantId: "${partnerTenantId}") { grants { kind } } }`;
      const revoke = `mutation { revokePartnerAccess(partnerTenantId: "${partnerTenantId}", confirm: true) { grants { kind } } }`;
      for (const operation of [preview, revoke]) {
        const answer: Answer = await app.gql(wes, operation);
        expect(answer.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
        expect(answer.errors?.[0].message).toContain(partnerTenantId);
      }
    }
    expect(await head()).toBe(before);
    // A GDAP relationship the partner only created is enough for the customer to see it there.
    await app.gql(ann, CREATE_FOR_WOODGROVE);
    expect(
      (
        await app.gql(
          wes,
          `{ previewRevokePartnerAccess(partnerTenantId: "contoso-partners") { grants { kind } } }`,
        )
      ).errors,
    ).toBeUndefined();
  });

  it('R70, R9, R22, R30, R32: what comes with the reseller relationship is kept, and the preview says why', async () => {
    // The first test revoked everything the customer can end; the reseller relationship stays.
    const grants = (await app.gql(fay, PREVIEW)).data.previewRevokePartnerAccess.grants as {
      kind: string;
      change: string;
      endsOnRevoke: boolean;
    }[];
    expect(grants.map(({ kind, endsOnRevoke }) => ({ kind, endsOnRevoke }))).toEqual([
      { kind: 'RESELLER_RELATIONSHIP', endsOnRevoke: false },
      { kind: 'AUTOPILOT', endsOnRevoke: false },
    ]);
    for (const grant of grants) expect(grant.change).toMatch(/^Kept: .*\(R9\)/);
    const kept = (await app.gql(fay, ACCESS)).data.effectiveAccess.capabilities.filter(
      (c: { role: string; action: string; allowed: boolean }) =>
        c.allowed && c.role === 'ADMIN_AGENT',
    );
    expect(kept.map((c: { action: string; rule: string }) => [c.action, c.rule])).toEqual([
      ['PROVISION_SUBSCRIPTION', 'R22'],
      ['MANAGE_AUTOPILOT_PROFILES', 'R30'],
      ['ADD_AUTOPILOT_DEVICES', 'R30'],
      ['MANAGE_AUTOPILOT_DEVICES', 'R32'],
    ]);
  });

  it('R67, R70: over rounds of service requests through GDAP alone, the revocation succeeds at once and no request lands after its fence', async () => {
    for (let round = 0; round < 4; round++) {
      await activeGdap(`Round ${round}`);
      const before = (await store.readStream('servicerequests-contoso-partners_fabrikam')).length;
      const requests = Array.from({ length: 16 }, (_, n) =>
        app.gql(tinaToken, OPEN_SR, { n: `round ${round} request ${n}` }),
      );
      const revocation = new Promise<Answer>((resolve) =>
        setTimeout(() => resolve(app.gql(fay, REVOKE, { confirm: true })), round % 3),
      );
      const answers: Answer[] = await Promise.all(requests);
      expect((await revocation).errors).toBeUndefined();
      for (const answer of answers) {
        if (answer.errors)
          expect([{ code: 'FORBIDDEN' }, { code: 'CONFLICT' }]).toContainEqual({
            code: answer.errors[0].extensions?.code,
          });
      }
      const events: RecordedEvent[] = (
        await store.readStream('servicerequests-contoso-partners_fabrikam')
      ).slice(before);
      const fence = events.find(
        (event) =>
          event.type === 'PartnerAccessRevocationStarted' &&
          (event.data as { revoking: string }).revoking === 'GDAP',
      );
      const opened = events.filter((event) => event.type === 'ServiceRequestOpened');
      expect(opened).toHaveLength(answers.filter((answer) => !answer.errors).length);
      for (const event of opened) expect(event.position).toBeLessThan(fence!.position);
    }
  }, 60_000);

  it('R70, R24: a role the partner assigns while the revocation is under way (its Owner still held) is removed with the rest: nothing on the subscription is left to the partner', async () => {
    const id = (await app.gql(ann, PROVISION_NAMED, { n: 'Raced' })).data.provisionAzureSubscription
      .id as string;
    // The revocation listed the subscription's assignments (Owner only); before it appends their
    // removal, the partner, still Owner, gives its Helpdesk Agents User Access Administrator.
    let assigned: Answer | undefined;
    const hook = revokeBeforeFirstAppendTo(store, 'subscription', async () => {
      assigned = await app.gql(ann, ASSIGN_ROLE, {
        id,
        group: 'HELPDESK_AGENTS',
        role: 'USER_ACCESS_ADMINISTRATOR',
      });
      return assigned;
    });
    try {
      expect((await app.gql(fay, REVOKE, { confirm: true })).errors).toBeUndefined();
    } finally {
      hook.restore();
    }
    expect(assigned?.errors).toBeUndefined();
    const capabilities = (await app.gql(fay, ACCESS)).data.effectiveAccess.capabilities as {
      action: string;
      allowed: boolean;
    }[];
    expect(
      capabilities.filter((c) => c.allowed && c.action.startsWith('MANAGE_SUBSCRIPTION')),
    ).toEqual([]);
    const again = await app.gql(ann, ASSIGN_ROLE, { id, group: 'ADMIN_AGENTS', role: 'OWNER' });
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
  });
});
