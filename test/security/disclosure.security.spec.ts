import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import { appForSuite } from '../support/app';
import { people } from '../support/tenants';
import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';

const REQUEST = `mutation ($input: RequestResellerRelationshipInput!) { requestResellerRelationship(input: $input) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { since } }`;
const REMOVE = `mutation { removeDelegatedAdminPrivileges(partnerTenantId: "contoso-partners", confirm: true) { since } }`;
const HISTORY = `query ($id: String!) { history(streamId: $id) { type actor { userId tenantId } } }`;
const GDAP_CREATE = `mutation ($input: CreateDelegatedAdminRelationshipInput!) { createDelegatedAdminRelationship(input: $input) { id } }`;
const GDAP_REQUEST = `mutation ($id: ID!) { requestDelegatedAdminRelationshipApproval(input: { relationshipId: $id }) { id } }`;
const GDAP_APPROVE = `mutation ($id: ID!) { approveDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const GDAP_TERMINATE = `mutation ($id: ID!) { terminateDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const AUTOPILOT_DEVICE = `mutation { addAutopilotDevices(input: { customerTenantId: "fabrikam", source: INTUNE,
  devices: [{ serialNumber: "FAB-SECRET-001", manufacturer: "Contoso HW", model: "X1" }] }) { id } }`;
const STREAM = `query ($id: String!) { history(streamId: $id) { type data stateAfter } }`;
const AUTOPILOT_PROFILE = `mutation { createAutopilotProfile(input: { customerTenantId: "fabrikam", name: "Fabrikam laptops" }) { id } }`;
const ACCESS = `query ($u: ID) { effectiveAccess(partnerTenantId: "contoso-partners", customerTenantId: "woodgrove", userId: $u) { partnerTenantId customerTenantId userId capabilities { role action allowed reason rule } } }`;

describe('disclosure: answers tell callers no more than R42 and R17 let them see', () => {
  const app = appForSuite();
  let ann: string;
  let fay: string;
  let invitationId: string;

  beforeAll(async () => {
    ann = await app.token(people.ann);
    fay = await app.token(people.fay);
    invitationId = (await app.gql(ann, REQUEST, { input: { customerTenantId: 'fabrikam' } })).data
      .requestResellerRelationship.id;
    await app.gql(fay, ACCEPT, { id: invitationId });
    await app.gql(fay, REMOVE);
  });

  it('R42: history shows who did what only where auditLog would show that event to the caller', async () => {
    const actors = async (token: string, streamId: string) =>
      (await app.gql(token, HISTORY, { id: streamId })).data.history.map(
        (event: { type: string; actor: { userId: string } | null }) =>
          `${event.type}:${event.actor?.userId ?? 'hidden'}`,
      );
    // The partner reads only what its own users did (R42): the customer's acts keep no actor.
    expect(await actors(ann, `invitation-${invitationId}`)).toEqual([
      'InvitationCreated:ann',
      'InvitationAccepted:hidden',
    ]);
    expect(await actors(ann, 'dapgrant-contoso-partners_fabrikam')).toEqual([
      'DelegatedAdminGranted:hidden',
      'DelegatedAdminRemoved:hidden',
    ]);
    // The customer's Global admin reads everything that happened in its tenant.
    expect(await actors(fay, `invitation-${invitationId}`)).toEqual([
      'InvitationCreated:ann',
      'InvitationAccepted:fay',
    ]);
    expect(
      await actors(await app.token(people.opal), 'dapgrant-contoso-partners_fabrikam'),
    ).toEqual(['DelegatedAdminGranted:fay', 'DelegatedAdminRemoved:fay']);
  });

  it('R42: a tenant that is a partner and a customer too: its partner users read only what its partner users did, not its Global admin’s acts as a customer', async () => {
    const pam = await app.token({
      ...people.sam,
      sub: 'pam',
      name: 'Pam',
      tid: 'fabrikam',
      tenant_name: 'Fabrikam',
    });
    const log = await app.gql(pam, '{ auditLog(first: 100) { totalCount nodes { type } } }');
    expect(log.errors).toBeUndefined();
    expect(log.data.auditLog).toEqual({ totalCount: 0, nodes: [] });
    const history = await app.gql(pam, HISTORY, { id: `invitation-${invitationId}` });
    expect(history.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('R17, R42, R30: a stream whose name rules the caller out, or a registry of a customer the partner was never related to, is refused before it is read: its length cannot show in the time the refusal takes', async () => {
    const store = app.app.get<EventStore>(EVENT_STORE);
    const reads = jest.spyOn(store, 'readStream');
    try {
      const otto = await app.token(people.otto);
      const wes = await app.token(people.wes);
      const asked = [
        [otto, 'dapgrant-contoso-partners_fabrikam'],
        [wes, 'dapgrant-contoso-partners_fabrikam'],
        [wes, 'autopilot-fabrikam'],
        [otto, 'gdap-contoso-partners'],
        // A partner never related to the customer: no event of its registry can name it (R30).
        [otto, 'autopilot-fabrikam'],
      ];
      const readsOfAsked = () =>
        reads.mock.calls.filter(([streamId]) => asked.some(([, id]) => id === streamId));
      for (const [token, streamId] of asked) {
        const refused = await app.gql(token, HISTORY, { id: streamId });
        expect(refused.errors?.[0]).toMatchObject({
          message: 'No such stream among those you may read.',
          extensions: { code: 'NOT_FOUND' },
        });
      }
      expect(readsOfAsked()).toEqual([]);
      // A reader's history is read as before.
      expect(
        (await app.gql(fay, HISTORY, { id: 'dapgrant-contoso-partners_fabrikam' })).errors,
      ).toBeUndefined();
      expect(readsOfAsked()).not.toEqual([]);
    } finally {
      reads.mockRestore();
    }
  });

  it('R17: effectiveAccess answers a customer alike for a partner’s known and unknown users when they have no relationship', async () => {
    const wes = await app.token(people.wes);
    const known = await app.gql(wes, ACCESS, { u: 'ann' });
    const unknown = await app.gql(wes, ACCESS, { u: 'nobody-at-contoso' });
    expect(known.errors).toBeUndefined();
    expect(unknown.errors).toBeUndefined();
    expect(known.data.effectiveAccess.capabilities).toEqual(
      unknown.data.effectiveAccess.capabilities,
    );
    expect(
      known.data.effectiveAccess.capabilities.every((c: { allowed: boolean }) => !c.allowed),
    ).toBe(true);
    // With a relationship the customer may ask about a user, and an unknown one is NOT_FOUND.
    const withRelationship = await app.gql(fay, ACCESS.replace('"woodgrove"', '"fabrikam"'), {
      u: 'nobody-at-contoso',
    });
    expect(withRelationship.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('R42, R43: in a stream of several tenants, history shows each caller only its tenant’s events, and no state', async () => {
    const otto = await app.token(people.otto);
    const history = async (token: string, streamId: string) =>
      (await app.gql(token, STREAM, { id: streamId })).data?.history as
        | {
            type: string;
            data: { relationshipId?: string; customerTenantId?: string; partnerTenantId?: string };
            stateAfter: unknown;
          }[]
        | undefined;
    const wes = await app.token(people.wes);
    const create = async (customerTenantId: string) =>
      (
        await app.gql(otto, GDAP_CREATE, {
          input: {
            customerTenantId,
            customerDisplayName: `${customerTenantId} (secret deal)`,
            displayName: `Other ${customerTenantId}`,
            duration: 'P90D',
            roles: [DIRECTORY_ROLES.USER_ADMINISTRATOR],
          },
        })
      ).data.createDelegatedAdminRelationship.id as string;
    const forFabrikam = await create('fabrikam');
    const forWoodgrove = await create('woodgrove');
    expect((await app.gql(ann, AUTOPILOT_PROFILE)).errors).toBeUndefined();
    expect((await app.gql(fay, AUTOPILOT_DEVICE)).errors).toBeUndefined();
    // Contoso's history of the registry it works in: every event (the customer's act without its
    // actor, R42), each with the state after it.
    const beforeOtto = (await history(ann, 'autopilot-fabrikam'))!;
    // Fay's removal of DAP fenced it for Contoso (beforeAll), then Ann's profile, then Fay's device.
    expect(beforeOtto.map((event) => event.type)).toEqual([
      'PartnerAccessRevocationStarted',
      'AutopilotProfileCreated',
      'AutopilotDeviceAdded',
    ]);
    expect(beforeOtto.every((event) => event.stateAfter !== null)).toBe(true);
    await app.gql(otto, GDAP_REQUEST, { id: forFabrikam });
    expect((await app.gql(fay, GDAP_APPROVE, { id: forFabrikam })).errors).toBeUndefined();
    // Ending a GDAP relationship fences the customer's Autopilot stream (R70): Otto's event there.
    expect((await app.gql(otto, GDAP_TERMINATE, { id: forFabrikam })).errors).toBeUndefined();

    // Fabrikam's events only; the state up to the first of Woodgrove's (revision 1), none after.
    const ofOtto = (await history(fay, 'gdap-other-partners'))!;
    expect(new Set(ofOtto.map((event) => event.data.relationshipId))).toEqual(
      new Set([forFabrikam]),
    );
    expect(ofOtto[0].stateAfter).not.toBeNull();
    expect(ofOtto.slice(1).every((event) => event.stateAfter === null)).toBe(true);
    const ofOttoForWes = (await history(wes, 'gdap-other-partners'))!;
    expect(new Set(ofOttoForWes.map((event) => event.data.relationshipId))).toEqual(
      new Set([forWoodgrove]),
    );
    expect(JSON.stringify(ofOttoForWes)).not.toContain('fabrikam');
    // The partner itself sees its whole stream, with the state.
    const whole = (await history(otto, 'gdap-other-partners'))!;
    expect(whole.length).toBe(ofOtto.length + ofOttoForWes.length);
    expect(whole.at(-1)?.stateAfter).not.toBeNull();

    // The fence the revocation wrote for Otto into Fabrikam's registry makes it no reader of it.
    const forOtto = await app.gql(otto, STREAM, { id: 'autopilot-fabrikam' });
    expect(forOtto.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(JSON.stringify(forOtto)).not.toContain('FAB-SECRET-001');
    // Contoso goes on reading it, without Otto's fence, and without the state from it on.
    expect(
      (await app.gql(ann, AUTOPILOT_PROFILE.replace('laptops', 'desktops'))).errors,
    ).toBeUndefined();
    const afterOtto = (await history(ann, 'autopilot-fabrikam'))!;
    expect(afterOtto.at(-1)).toMatchObject({ type: 'AutopilotProfileCreated', stateAfter: null });
    expect(afterOtto.slice(0, beforeOtto.length)).toEqual(beforeOtto);
    expect(afterOtto.every((event) => event.data.partnerTenantId !== 'other-partners')).toBe(true);
    expect(JSON.stringify(await history(fay, 'autopilot-fabrikam'))).toContain('other-partners');
  });

  it('R42, R43: in a stream of one pair, the partner reads the customer’s acts too (no actor), with the state', async () => {
    const history = await app.gql(
      ann,
      'query ($id: String!) { history(streamId: $id) { type actor { userId } stateAfter } }',
      { id: 'relationship-contoso-partners_fabrikam' },
    );
    const events = history.data.history as { type: string; actor: unknown; stateAfter: unknown }[];
    expect(events[0]).toMatchObject({ type: 'RelationshipEstablished', actor: null });
    expect(events.every((event) => event.stateAfter !== null)).toBe(true);
  });

  it('R42, R23: in a subscription’s stream, the partner reads its own groups’ events only, never the customer’s own access', async () => {
    const provisioned = await app.gql(
      ann,
      `mutation { provisionAzureSubscription(input: { customerTenantId: "fabrikam", displayName: "Shared" }) { id } }`,
    );
    const subscriptionId = provisioned.data.provisionAzureSubscription.id as string;
    const assigned = await app.gql(
      fay,
      `mutation ($id: ID!) { assignSubscriptionRole(input: { subscriptionId: $id, role: READER,
        principal: { kind: CUSTOMER_USER, userId: "bob" } }) { id } }`,
      { id: subscriptionId },
    );
    expect(assigned.errors).toBeUndefined();
    const history = await app.gql(
      ann,
      'query ($id: String!) { history(streamId: $id) { type data stateAfter } }',
      { id: `subscription-${subscriptionId}` },
    );
    const events = history.data.history as { type: string; stateAfter: unknown }[];
    expect(events.map((event) => event.type)).toEqual([
      'AzureSubscriptionProvisioned',
      'SubscriptionRoleAssigned',
    ]);
    expect(events.every((event) => event.stateAfter !== null)).toBe(true);
    expect(JSON.stringify(events)).not.toContain('bob');
  });
});

describe('disclosure: a former partner and the customer’s Autopilot registry', () => {
  const app = appForSuite();
  const device = (source: string, serial: string) =>
    `mutation { addAutopilotDevices(input: { customerTenantId: "woodgrove", ${source}
      devices: [{ serialNumber: "${serial}", manufacturer: "M", model: "X" }] }) { id } }`;
  const serials = (events: { data: { identity?: { serialNumber?: string } } }[]) =>
    events.map((event) => event.data.identity?.serialNumber).filter(Boolean);

  it('R9, R30, R42: history shows a partner the customer’s own acts in its registry only while it resells to it; once it ended the relationship, only its own events', async () => {
    const ann = await app.token(people.ann);
    const wes = await app.token(people.wes);
    const id = (await app.gql(ann, REQUEST, { input: { customerTenantId: 'woodgrove' } })).data
      .requestResellerRelationship.id;
    expect((await app.gql(wes, ACCEPT, { id })).errors).toBeUndefined();
    expect((await app.gql(ann, device('', 'WG-PARTNER-1'))).errors).toBeUndefined();
    expect((await app.gql(wes, device('source: INTUNE,', 'WG-OWN-1'))).errors).toBeUndefined();
    const whileReselling = await app.gql(ann, STREAM, { id: 'autopilot-woodgrove' });
    expect(serials(whileReselling.data.history)).toEqual(['WG-PARTNER-1', 'WG-OWN-1']);

    const ended = await app.gql(
      ann,
      'mutation { endResellerRelationship(customerTenantId: "woodgrove") { tenantId } }',
    );
    expect(ended.errors).toBeUndefined();
    expect((await app.gql(wes, device('source: INTUNE,', 'WG-OWN-AFTER'))).errors).toBeUndefined();

    const former = await app.gql(ann, STREAM, { id: 'autopilot-woodgrove' });
    expect(former.errors).toBeUndefined();
    expect(serials(former.data.history)).toEqual(['WG-PARTNER-1']);
    expect(JSON.stringify(former)).not.toMatch(/WG-OWN/);
    // The customer reads its whole registry.
    const own = await app.gql(wes, STREAM, { id: 'autopilot-woodgrove' });
    expect(serials(own.data.history)).toEqual(['WG-PARTNER-1', 'WG-OWN-1', 'WG-OWN-AFTER']);
  });
});
