import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { PolicyReactor } from '../../src/platform/policies/policy.reactor';
import { EsdbDouble } from '../support/esdb-double/esdb-double';
import { describeOnBothStores, removeDataDir, startApp, type TestApp } from '../support/app';
import { eventually } from '../support/eventually';
import { people } from '../support/tenants';

const REQUEST = `mutation { requestResellerRelationship(input: { customerDomain: "fabrikam.onmicrosoft.com", includeDelegatedAdmin: true }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { relationshipActive delegatedAdmin { status } } }`;
const REVOKE = `mutation { revokePartnerAccess(partnerTenantId: "contoso-partners", confirm: true) { grants { kind } } }`;
const PARTNERS = `{ partnerRelationships { partnerTenantId relationshipActive delegatedAdmin { status } } }`;
const FOLLOW_UPS = `{ followUpStatus { lag refused retrying { type } } }`;
const PAIR = 'contoso-partners_fabrikam';

/**
 * R8, R70: the removal of a grant that overtook the customer's request to end all access is not the
 * customer's removal of DAP: a later acceptance with DAP, whose grant comes after that removal,
 * still grants it.
 */
describeOnBothStores(
  'an overtaken grant removed while a later acceptance’s grant waits',
  (onEsdb) => {
    let double: EsdbDouble | undefined;
    let app: TestApp;
    const env = (): Record<string, string> => (double ? { EVENTSTORE_URL: double.url } : {});
    afterEach(async () => {
      await app.close();
      await double?.stop();
      removeDataDir(app.dataDir);
    });

    it('R8, R70: the customer accepts a new invitation with DAP after revoking all; the earlier acceptance’s overtaken-grant removal must not make the new grant grant nothing', async () => {
      double = onEsdb ? await EsdbDouble.start({ batchAppend: true }) : undefined;
      app = await startApp({ env: env() });
      let [ann, fay] = await Promise.all([people.ann, people.fay].map(app.token));
      await app.app.get(PolicyReactor).stop();
      let store = app.app.get<EventStore>(EVENT_STORE);
      const append = store.append.bind(store);
      let phase = 0;
      let secondInvitation: string | undefined = (await app.gql(ann, REQUEST)).data
        .requestResellerRelationship.id;
      const first = (await app.gql(ann, REQUEST)).data.requestResellerRelationship.id;
      store.append = async (streamId, events, expected) => {
        const granting = events.some((e) => e.type === 'DelegatedAdminGranted');
        if (granting && phase === 0) {
          phase = 1; // I1's grant read the pair; the customer revokes all before it appends
          expect((await app.gql(fay, REVOKE)).errors).toBeUndefined();
          const appended = await append(streamId, events, expected);
          phase = 2; // I1's stale grant landed; the customer accepts I2 (DAP) before I1's check runs
          const id = secondInvitation;
          secondInvitation = undefined;
          const accepted = await app.gql(fay, ACCEPT, { id });
          expect(accepted.errors).toBeUndefined();
          phase = 3;
          return appended;
        }
        if (granting && phase === 2) throw new Error('disk I/O error'); // I2's grant left to the reactor
        return append(streamId, events, expected);
      };
      try {
        await app.gql(fay, ACCEPT, { id: first });
      } finally {
        store.append = append;
      }
      const { dataDir } = app;
      await app.close();
      app = await startApp({ dataDir, env: env() });
      store = app.app.get<EventStore>(EVENT_STORE);
      [ann, fay] = await Promise.all([people.ann, people.fay].map(app.token));
      const opal = await app.token(people.opal);
      await eventually(async () => (await app.gql(opal, FOLLOW_UPS)).data.followUpStatus.lag === 0);
      expect((await store.readStream(`dapgrant-${PAIR}`)).map((event) => event.type)).toEqual([
        'DelegatedAdminGranted',
        'DelegatedAdminRemoved',
        'DelegatedAdminGranted',
      ]);
      // The customer's last act was accepting I2 with DAP, after its request to end all: DAP is active.
      expect(
        (await app.gql(fay, PARTNERS)).data.partnerRelationships[0].delegatedAdmin.status,
      ).toBe('ACTIVE');
    }, 60_000);
  },
);
