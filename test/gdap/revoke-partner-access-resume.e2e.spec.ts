import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
} from '../../src/platform/event-store/event-store';
import { PolicyReactor } from '../../src/platform/policies/policy.reactor';
import { EsdbDouble } from '../support/esdb-double/esdb-double';
import { describeOnBothStores, removeDataDir, startApp, type TestApp } from '../support/app';
import { people } from '../support/tenants';

const HELPDESK = DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR.roleTemplateId;
const INVITE = `mutation { requestResellerRelationship(input: { includeDelegatedAdmin: true, customerTenantId: "fabrikam" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId } }`;
const PROVISION = `mutation { provisionAzureSubscription(input: { customerTenantId: "fabrikam", displayName: "Prod" }) { id } }`;
const CREATE = `mutation { createDelegatedAdminRelationship(input: { customerTenantId: "fabrikam", displayName: "Tier two", duration: "P90D", roles: [{ roleTemplateId: "${HELPDESK}" }] }) { id } }`;
const REQUEST = `mutation ($id: ID!) { requestDelegatedAdminRelationshipApproval(input: { relationshipId: $id }) { id } }`;
const APPROVE = `mutation ($id: ID!) { approveDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const ASSIGN = `mutation ($id: ID!) { createDelegatedAdminAccessAssignment(input: { relationshipId: $id, securityGroupId: "HELPDESK_AGENTS", roleTemplateIds: ["${HELPDESK}"] }) { id } }`;
const LIST = `{ delegatedAdminRelationships { nodes { status accessAssignments { status } } } }`;
const PREVIEW = `{ previewRevokePartnerAccess(partnerTenantId: "contoso-partners") { grants { kind endsOnRevoke } } }`;
const REVOKE = `mutation { revokePartnerAccess(partnerTenantId: "contoso-partners", confirm: true) { grants { kind } } }`;
const ASSIGN_ROLE = `mutation ($id: ID!, $group: PartnerGroup!, $role: AzureRole!) { assignSubscriptionRole(input: { subscriptionId: $id, principal: { kind: PARTNER_GROUP, partnerTenantId: "contoso-partners", group: $group }, role: $role }) { id } }`;
const ASSIGNMENTS = `{ azureSubscriptionsConnection(customerTenantId: "fabrikam") { nodes { roleAssignments { role principal { partnerTenantId group } } } } }`;
const ACCESS = `{ effectiveAccess(partnerTenantId: "contoso-partners", customerTenantId: "fabrikam") { capabilities { role action allowed } } }`;

/** The changes revokePartnerAccess records, one per grant it ends (R70). */
const CHANGES = [
  'DelegatedAdminRelationshipTerminationRequested',
  'DelegatedAdminRemoved',
  'SubscriptionRoleAssignmentRemoved',
];

/**
 * R70: "a crash midway finishes on restart (policies)". The process stops (its reactor stopped, as
 * a crash would leave it) when the append to one stream fails, after the changes before it; on
 * restart the reactor finishes the rest from the recorded request, each change recorded once.
 */
describeOnBothStores('revokePartnerAccess interrupted midway', (onEsdb) => {
  let double: EsdbDouble | undefined;
  let app: TestApp;
  const env = (): Record<string, string> => ({
    GDAP_SCHEDULER_MAX_SLEEP_MS: '20',
    // Restarted at once here: the reactor need not wait for another instance to finish.
    REVOCATION_STALLED_AFTER_MS: '0',
    ...(double ? { EVENTSTORE_URL: double.url } : {}),
  });

  beforeEach(async () => {
    double = onEsdb ? await EsdbDouble.start({ batchAppend: true }) : undefined;
    app = await startApp({ env: env() });
  });
  afterEach(async () => {
    await app.close();
    await double?.stop();
    removeDataDir(app.dataDir);
  });

  /**
   * DAP, an Azure subscription the partner provisioned (Owner), and an active GDAP assignment;
   * resolves with the subscription's id.
   */
  async function partnerWithEveryGrant(): Promise<string> {
    const [ann, fay] = await Promise.all([people.ann, people.fay].map(app.token));
    const invitation = await app.gql(ann, INVITE);
    await app.gql(fay, ACCEPT, { id: invitation.data.requestResellerRelationship.id });
    const provisioned = await app.gql(ann, PROVISION);
    expect(provisioned.errors).toBeUndefined();
    const subscriptionId = provisioned.data.provisionAzureSubscription.id as string;
    const id = (await app.gql(ann, CREATE)).data.createDelegatedAdminRelationship.id;
    await app.gql(ann, REQUEST, { id });
    expect((await app.gql(fay, APPROVE, { id })).errors).toBeUndefined();
    expect((await app.gql(ann, ASSIGN, { id })).errors).toBeUndefined();
    for (let i = 0; i < 400; i++) {
      const [row] = (await app.gql(ann, LIST)).data.delegatedAdminRelationships.nodes;
      if (row.accessAssignments[0].status === 'active') return subscriptionId;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the assignment never became active');
  }

  /** The streams the revocation ends grants on, in the order it ends them. */
  const STEPS = ['gdap', 'dapgrant', 'subscription'];

  /**
   * Every append to a stream of `category` and of the steps after it fails from now on, as if the
   * process died there (`only`: that category alone fails, the others still work).
   */
  function crashBefore(category: string, only = false): () => void {
    const failing = only ? [category] : STEPS.slice(STEPS.indexOf(category));
    const store = app.app.get<EventStore>(EVENT_STORE);
    const append = store.append.bind(store);
    store.append = (streamId, events, expected) =>
      failing.some((failed) => streamId.startsWith(`${failed}-`))
        ? Promise.reject(new Error(`the process stopped before appending to ${streamId}`))
        : append(streamId, events, expected);
    return () => (store.append = append);
  }

  const allEvents = async (): Promise<RecordedEvent[]> =>
    app.app.get<EventStore>(EVENT_STORE).readAll({ maxCount: 100_000 });

  it.each([
    ['before the GDAP termination (only the request recorded)', 'gdap', 0],
    ['after the GDAP termination, before DAP is removed', 'dapgrant', 1],
    ['after GDAP and DAP, before the Azure role assignment is removed', 'subscription', 2],
  ])(
    'R70: stopped %s: on restart everything is ended, each change recorded once',
    async (_when, category, doneBeforeTheCrash) => {
      await partnerWithEveryGrant();
      const before = (await allEvents()).length;
      await app.app.get(PolicyReactor).stop();
      const restore = crashBefore(category);
      const fay = await app.token(people.fay);
      await app.gql(fay, REVOKE);
      restore();
      const interrupted = (await allEvents()).slice(before);
      expect(interrupted.filter((event) => CHANGES.includes(event.type))).toHaveLength(
        doneBeforeTheCrash,
      );

      const { dataDir } = app;
      await app.close();
      app = await startApp({ dataDir, env: env() });

      const recorded = (await allEvents()).slice(before);
      const [request] = recorded.filter((e) => e.type === 'PartnerAccessRevocationRequested');
      const changes = recorded.filter((event) => CHANGES.includes(event.type));
      expect(changes.map((event) => event.type).sort()).toEqual(CHANGES);
      expect(recorded.filter((e) => e.type === 'PartnerAccessRevocationRequested')).toHaveLength(1);
      for (const change of changes) {
        expect(change.metadata.correlationId).toBe(request.metadata.correlationId);
      }
      const token = await app.token(people.fay);
      expect((await app.gql(token, PREVIEW)).data.previewRevokePartnerAccess.grants).toEqual(
        expect.not.arrayContaining([expect.objectContaining({ endsOnRevoke: true })]),
      );
      const allowed = (await app.gql(token, ACCESS)).data.effectiveAccess.capabilities.filter(
        (c: { action: string; allowed: boolean }) =>
          c.allowed && !c.action.includes('AUTOPILOT') && c.action !== 'PROVISION_SUBSCRIPTION',
      );
      expect(allowed).toEqual([]);

      // Started again, the reactor finds nothing left to do: still one change each.
      const again = app.dataDir;
      await app.close();
      app = await startApp({ dataDir: again, env: env() });
      const after = (await allEvents()).slice(before).filter((e) => CHANGES.includes(e.type));
      expect(after).toHaveLength(3);
    },
    60_000,
  );

  it('R70: the GDAP termination fails to append: DAP and the Azure role assignment are ended in the same request all the same, and GDAP on restart', async () => {
    await partnerWithEveryGrant();
    const before = (await allEvents()).length;
    await app.app.get(PolicyReactor).stop();
    const restore = crashBefore('gdap', true);
    await app.gql(await app.token(people.fay), REVOKE);
    restore();
    const ended = (await allEvents()).slice(before).filter((e) => CHANGES.includes(e.type));
    expect(ended.map((event) => event.type).sort()).toEqual(CHANGES.slice(1));

    const { dataDir } = app;
    await app.close();
    app = await startApp({ dataDir, env: env() });
    const all = (await allEvents()).slice(before).filter((e) => CHANGES.includes(e.type));
    expect(all.map((event) => event.type).sort()).toEqual(CHANGES);
  });

  it('R70: stopped before the Azure role assignments; the partner’s own change there before the restart finishes is ended too, a role the customer gave its group again is left alone', async () => {
    const subscriptionId = await partnerWithEveryGrant();
    await app.app.get(PolicyReactor).stop();
    const restore = crashBefore('subscription');
    const [ann, fay] = await Promise.all([people.ann, people.fay].map(app.token));
    await app.gql(fay, REVOKE);
    restore();
    // The partner, still Owner there, changes the subscription before the restart finishes it;
    // the customer grants the partner's Helpdesk Agents a role there again, on purpose.
    const role = (group: string, role: string) => ({ id: subscriptionId, group, role });
    const partners = await app.gql(ann, ASSIGN_ROLE, role('HELPDESK_AGENTS', 'READER'));
    expect(partners.errors).toBeUndefined();
    const customers = await app.gql(fay, ASSIGN_ROLE, role('HELPDESK_AGENTS', 'CONTRIBUTOR'));
    expect(customers.errors).toBeUndefined();

    const { dataDir } = app;
    await app.close();
    app = await startApp({ dataDir, env: env() });

    const token = await app.token(people.fay);
    const assignments = await app.gql(token, ASSIGNMENTS);
    expect(assignments.data.azureSubscriptionsConnection.nodes).toEqual([
      {
        roleAssignments: [
          {
            role: 'CONTRIBUTOR',
            principal: { partnerTenantId: 'contoso-partners', group: 'HELPDESK_AGENTS' },
          },
        ],
      },
    ]);
  }, 60_000);
  it('R70, R22: stopped before the Azure role assignments; a subscription the partner provisions before the restart finishes keeps its Admin Agents as Owner', async () => {
    await partnerWithEveryGrant();
    await app.app.get(PolicyReactor).stop();
    const restore = crashBefore('subscription');
    const [ann, fay] = await Promise.all([people.ann, people.fay].map(app.token));
    await app.gql(fay, REVOKE);
    restore();
    expect((await app.gql(ann, PROVISION)).errors).toBeUndefined();

    const { dataDir } = app;
    await app.close();
    app = await startApp({ dataDir, env: env() });

    const token = await app.token(people.fay);
    const owners = (await app.gql(token, ASSIGNMENTS)).data.azureSubscriptionsConnection.nodes.map(
      (node: { roleAssignments: unknown[] }) => node.roleAssignments,
    );
    expect(owners).toEqual(
      expect.arrayContaining([
        [],
        [
          {
            role: 'OWNER',
            principal: { partnerTenantId: 'contoso-partners', group: 'ADMIN_AGENTS' },
          },
        ],
      ]),
    );
    expect(owners).toHaveLength(2);
  }, 60_000);

  it('R70: a role the customer gives the partner’s group again while the request removes the subscription’s roles is left alone', async () => {
    const subscriptionId = await partnerWithEveryGrant();
    const fay = await app.token(people.fay);
    const store = app.app.get<EventStore>(EVENT_STORE);
    const readStream = store.readStream.bind(store);
    let regranted = false;
    store.readStream = async (streamId, options) => {
      const read = await readStream(streamId, options);
      const keptRead =
        streamId === `subscription-${subscriptionId}` && options?.direction === 'backwards';
      if (!regranted && keptRead) {
        regranted = true;
        const again = await app.gql(fay, ASSIGN_ROLE, {
          id: subscriptionId,
          group: 'HELPDESK_AGENTS',
          role: 'CONTRIBUTOR',
        });
        expect(again.errors).toBeUndefined();
      }
      return read;
    };
    try {
      expect((await app.gql(fay, REVOKE)).errors).toBeUndefined();
    } finally {
      store.readStream = readStream;
    }
    expect(regranted).toBe(true);

    const assignments = await app.gql(fay, ASSIGNMENTS);
    expect(assignments.data.azureSubscriptionsConnection.nodes).toEqual([
      {
        roleAssignments: [
          {
            role: 'CONTRIBUTOR',
            principal: { partnerTenantId: 'contoso-partners', group: 'HELPDESK_AGENTS' },
          },
        ],
      },
    ]);
  }, 60_000);
});
