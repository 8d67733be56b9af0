import { AggregateStore } from '../../src/platform/write/aggregate-store';
import { fencedStreamsOf } from '../../src/capabilities';
import { revocationStarted } from '../../src/platform/domain/revocation-fences';
import { PolicyReactor } from '../../src/platform/policies/policy.reactor';
import { relationshipDecider } from '../../src/invitations/domain/relationship.decider';
import { EsdbDouble } from '../support/esdb-double/esdb-double';
import { describeOnBothStores, removeDataDir, startApp, type TestApp } from '../support/app';
import { eventually } from '../support/eventually';
import { people } from '../support/tenants';

const REQUEST = `mutation { requestResellerRelationship(input: {}) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { customerTenantId } }`;
const OPEN_SR = `mutation { openServiceRequest(input: { customerTenantId: "fabrikam", title: "Quota", description: "Raise it" }) { id } }`;
const FOLLOW_UPS = `{ followUpStatus { lag refused retrying { type } } }`;
const PARTNERS = `{ partnerRelationships { partnerTenantId delegatedAdmin { status } } }`;
const CUSTOMERS = `{ customers { nodes { tenantId } } }`;
const HISTORY = `query ($streamId: String!) { history(streamId: $streamId) { type data } }`;
const PAIR = { partnerTenantId: 'contoso-partners', customerTenantId: 'fabrikam' };
const fay = {
  userId: 'fay',
  name: 'Fay',
  tenantId: 'fabrikam',
  tenantKind: 'customer' as const,
  roles: ['GlobalAdmin'],
};
const ann = {
  userId: 'ann',
  name: 'Ann',
  tenantId: 'contoso-partners',
  tenantKind: 'partner' as const,
  roles: ['AdminAgent'],
};

describeOnBothStores('a revocation interrupted after its fences', (onEsdb) => {
  let double: EsdbDouble | undefined;
  let app: TestApp;
  // Restarted at once here: the reactor need not wait for another instance to finish (follow-ups.ts).
  const env = (): Record<string, string> => ({
    REVOCATION_STALLED_AFTER_MS: '0',
    ...(double ? { EVENTSTORE_URL: double.url } : {}),
  });

  beforeEach(async () => {
    double = onEsdb ? await EsdbDouble.start({ batchAppend: true }) : undefined;
    app = await startApp({ env: env() });
    const id = (await app.gql(await app.token(people.ann), REQUEST)).data
      .requestResellerRelationship.id;
    await app.gql(await app.token(people.fay), ACCEPT, { id });
  });
  afterEach(async () => {
    await app.close();
    await double?.stop();
    removeDataDir(app.dataDir);
  });

  /** What the revocation leaves behind when the process dies between its fences and its event. */
  async function crashAfterFences(
    revoking: 'DELEGATED_ADMIN' | 'RELATIONSHIP',
    actor: object,
    reason?: string,
  ) {
    const aggregates = app.app.get(AggregateStore);
    const context = { actor: actor as typeof fay, correlationId: 'interrupted-request' };
    const decidedAt = new Date(Date.now() - 60_000); // the restart comes well after the crash
    for (const { scope, streamId } of fencedStreamsOf(
      PAIR.partnerTenantId,
      PAIR.customerTenantId,
    )) {
      const fence = revocationStarted(
        PAIR.partnerTenantId,
        PAIR.customerTenantId,
        revoking,
        0,
        scope,
        reason,
      );
      await aggregates.record(streamId, [fence], 'any', context, decidedAt);
    }
  }

  async function restart() {
    const { dataDir } = app;
    await app.close();
    app = await startApp({ dataDir, env: env() });
  }

  it('R12, R13: fenced DAP refuses the partner at once, and the removal is finished on restart', async () => {
    await stopReactor();
    await crashAfterFences('DELEGATED_ADMIN', fay);
    const refused = await app.gql(await app.token(people.ann), OPEN_SR);
    expect(refused.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R13' });

    await restart();
    expect(
      (await app.gql(await app.token(people.fay), PARTNERS)).data.partnerRelationships,
    ).toEqual([{ partnerTenantId: 'contoso-partners', delegatedAdmin: { status: 'REMOVED' } }]);
    const status = await app.gql(await app.token(people.opal), FOLLOW_UPS);
    expect(status.data.followUpStatus).toEqual({ lag: 0, refused: 0, retrying: null });
  });

  it.each([
    ['ALL_ACCESS_ENDED', 'ALL_ACCESS_ENDED'],
    ['RELATIONSHIP_ENDED', 'RELATIONSHIP_ENDED'],
    ['none (a fence written before fences named it): the customer’s own', undefined],
  ])(
    'R70, R9, R8: a DAP removal finished on restart records the reason its fences name: %s',
    async (_named, reason) => {
      await stopReactor();
      await crashAfterFences('DELEGATED_ADMIN', fay, reason);

      await restart();
      const opal = await app.token(people.opal);
      await eventually(async () => (await app.gql(opal, FOLLOW_UPS)).data.followUpStatus.lag === 0);
      const dap = await app.gql(await app.token(people.fay), HISTORY, {
        streamId: 'dapgrant-contoso-partners_fabrikam',
      });
      const removals = dap.data.history.filter(
        (event: { type: string }) => event.type === 'DelegatedAdminRemoved',
      );
      expect(removals).toEqual([
        {
          type: 'DelegatedAdminRemoved',
          data: { ...PAIR, reason: reason ?? 'REMOVED_BY_CUSTOMER' },
        },
      ]);
    },
  );

  it('R9: a fenced end of the relationship is finished on restart, DAP going with it', async () => {
    await stopReactor();
    await crashAfterFences('RELATIONSHIP', ann);
    const refused = await app.gql(await app.token(people.ann), OPEN_SR);
    expect(refused.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R7' });

    await restart();
    expect((await app.gql(await app.token(people.ann), CUSTOMERS)).data.customers.nodes).toEqual(
      [],
    );
    const dap = await app.gql(await app.token(people.fay), HISTORY, {
      streamId: 'dapgrant-contoso-partners_fabrikam',
    });
    expect(dap.data.history.map((event: { data: unknown }) => event.data)).toContainEqual({
      ...PAIR,
      reason: 'RELATIONSHIP_ENDED',
    });
  });

  it('R9, R50: an end that started and stopped before its fences refuses the partner at once, and is fenced and finished on restart, DAP going with it', async () => {
    await stopReactor();
    const relationship = 'relationship-contoso-partners_fabrikam';
    await app.app.get(AggregateStore).decide(
      relationship,
      relationshipDecider,
      {
        type: 'EndResellerRelationship',
        actor: ann,
        ...PAIR,
        activeProvisionedSubscriptionIds: [],
        atRevision: 0,
      },
      { actor: ann, correlationId: 'interrupted-request' },
    );
    const meanwhile = await app.gql(await app.token(people.ann), OPEN_SR);
    expect(meanwhile.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R7' });

    await restart();
    const opal = await app.token(people.opal);
    await eventually(async () => (await app.gql(opal, FOLLOW_UPS)).data.followUpStatus.lag === 0);
    const history = async (streamId: string) =>
      (await app.gql(opal, HISTORY, { streamId })).data.history as { type: string; data: any }[];
    expect((await history(relationship)).map((event) => event.type)).toEqual([
      'RelationshipEstablished',
      'RelationshipEndStarted',
      'RelationshipEnded',
    ]);
    const [fence] = await history('servicerequests-contoso-partners_fabrikam');
    expect(fence.data).toMatchObject({ revoking: 'RELATIONSHIP', factRevision: 1 });
    expect((await history('dapgrant-contoso-partners_fabrikam')).at(-1)?.data).toEqual({
      ...PAIR,
      reason: 'RELATIONSHIP_ENDED',
    });
    const refused = await app.gql(await app.token(people.ann), OPEN_SR);
    expect(refused.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R7' });
  });

  it('R9: fences of an end that was recorded, replayed later (a reactor behind, a restart), finish nothing and refuse nothing', async () => {
    await stopReactor();
    const END = `mutation { endResellerRelationship(customerTenantId: "fabrikam") { relationshipActive } }`;
    expect((await app.gql(await app.token(people.ann), END)).errors).toBeUndefined();

    await restart();
    const opal = await app.token(people.opal);
    await eventually(async () => (await app.gql(opal, FOLLOW_UPS)).data.followUpStatus.lag === 0);
    expect((await app.gql(opal, FOLLOW_UPS)).data.followUpStatus).toMatchObject({
      lag: 0,
      refused: 0,
    });
  });

  /** The running server's reactor would finish the revocation at once: stop it, as a crash would. */
  async function stopReactor() {
    await app.app.get(PolicyReactor).stop();
  }
});
