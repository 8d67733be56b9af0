import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
} from '../../src/platform/event-store/event-store';
import { PolicyReactor } from '../../src/platform/policies/policy.reactor';
import { EsdbDouble } from '../support/esdb-double/esdb-double';
import { describeOnBothStores, removeDataDir, startApp, type TestApp } from '../support/app';
import type { Answer } from '../support/revoke-before-append';
import { people } from '../support/tenants';

const REQUEST = `mutation { requestResellerRelationship(input: { customerTenantId: "fabrikam", includeDelegatedAdmin: true }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { relationshipActive } }`;
const REVOKE = `mutation { revokePartnerAccess(partnerTenantId: "contoso-partners", confirm: true) { grants { kind } } }`;
const OPEN_SR = `mutation { openServiceRequest(input: { customerTenantId: "fabrikam", title: "Quota", description: "Raise it" }) { id } }`;

/**
 * R13, R70: every DAP removal fences the pair's service-request stream first, so that a partner
 * action decided on "DAP active" cannot be appended after the removal; so does the removal of a
 * grant that overtook the customer's request to end all access (RemoveOvertakenGrant,
 * ALL_ACCESS_ENDED), where the relationship (R70 keeps it) does not stop the request.
 */
describeOnBothStores(
  'a service request racing the fenced removal of an overtaken grant',
  (onEsdb) => {
    let double: EsdbDouble | undefined;
    let app: TestApp;
    const env = (): Record<string, string> => (double ? { EVENTSTORE_URL: double.url } : {});
    const eventStore = () => app.app.get<EventStore>(EVENT_STORE);

    beforeEach(async () => {
      double = onEsdb ? await EsdbDouble.start({ batchAppend: true }) : undefined;
      app = await startApp({ env: env() });
      await app.app.get(PolicyReactor).stop();
    });
    afterEach(async () => {
      await app.close();
      await double?.stop();
      removeDataDir(app.dataDir);
    });

    it('R13, R70: a service request decided while the overtaking grant stood is not recorded after DAP’s removal', async () => {
      const [ann, fay, hal] = await Promise.all(
        [people.ann, people.fay, people.hal].map(app.token),
      );
      const store = eventStore();
      const append = store.append.bind(store);
      let revoked: Answer | undefined;
      let opened: Promise<Answer> | undefined;
      let atAppend!: () => void;
      const srAtAppend = new Promise<void>((resolve) => (atAppend = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let held = false;
      store.append = async (streamId, events, expected) => {
        // The customer asks to end all access while the new pair's grant is about to append.
        if (!revoked && events.some((e) => e.type === 'DelegatedAdminGranted')) {
          revoked = { errors: [] };
          revoked = await app.gql(fay, REVOKE);
        }
        const fence = events.some(
          (e) =>
            e.type === 'PartnerAccessRevocationStarted' &&
            (e.data as { revoking: string; scope: string }).revoking === 'DELEGATED_ADMIN' &&
            (e.data as { revoking: string; scope: string }).scope === 'SERVICE_REQUESTS',
        );
        if (fence && !opened) {
          // The partner's service request is decided while the grant stands (DAP reads active) ...
          opened = app.gql(hal, OPEN_SR);
          await srAtAppend;
        }
        if (opened && !held && events.some((e) => e.type === 'ServiceRequestOpened')) {
          // ... and comes to append once the removal is recorded.
          held = true;
          atAppend();
          await released;
        }
        const appended = await append(streamId, events, expected);
        const removal = events.some(
          (e) =>
            e.type === 'DelegatedAdminRemoved' &&
            (e.data as { reason: string }).reason === 'ALL_ACCESS_ENDED',
        );
        if (removal) release();
        return appended;
      };
      try {
        const id = (await app.gql(ann, REQUEST)).data.requestResellerRelationship.id as string;
        expect((await app.gql(fay, ACCEPT, { id })).errors).toBeUndefined();
      } finally {
        store.append = append;
      }
      expect(revoked?.errors).toBeUndefined();
      expect(opened).toBeDefined();
      expect(held).toBe(true);
      const answer = await opened!;

      const all: RecordedEvent[] = await store.readAll({ maxCount: 100_000 });
      const removedAt = all.find((e) => e.type === 'DelegatedAdminRemoved')!.position;
      const openedAfterRemoval = all.filter(
        (e) => e.type === 'ServiceRequestOpened' && e.position > removedAt,
      );
      expect({ answer: answer.errors ? 'refused' : 'opened', openedAfterRemoval }).toEqual({
        answer: 'refused',
        openedAfterRemoval: [],
      });
      // The fences name the removal's reason, so a resumption after a crash records the same.
      const fenceReasons = all
        .filter((e) => e.type === 'PartnerAccessRevocationStarted')
        .filter((e) => (e.data as { revoking: string }).revoking === 'DELEGATED_ADMIN')
        .map((e) => (e.data as { reason?: string }).reason);
      expect(new Set(fenceReasons)).toEqual(new Set(['ALL_ACCESS_ENDED']));
    }, 60_000);
  },
);
