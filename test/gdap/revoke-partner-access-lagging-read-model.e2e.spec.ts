import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
} from '../../src/platform/event-store/event-store';
import { PolicyReactor } from '../../src/platform/policies/policy.reactor';
import { PROJECTOR, type Projector } from '../../src/platform/projection-engine/projector';
import { appForSuite, describeOnBothStores } from '../support/app';
import { people } from '../support/tenants';

const INVITE = `mutation { requestResellerRelationship(input: { includeDelegatedAdmin: true, customerTenantId: "fabrikam" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId } }`;
const PROVISION = `mutation ($name: String!) { provisionAzureSubscription(input: { customerTenantId: "fabrikam", displayName: $name }) { id } }`;
const REVOKE = `mutation { revokePartnerAccess(partnerTenantId: "contoso-partners", confirm: true) { grants { kind } } }`;

/**
 * R70 after a crash: the lease holder's reactor lists the partner's subscriptions from the
 * `partner-subscriptions` read model. Its follow-up has no request whose writes the model must
 * show, so it waits until the model shows the revocation request itself: a subscription
 * provisioned before the request and not yet projected when the reactor runs loses the partner's
 * Owner role too.
 */
describeOnBothStores(
  'revokePartnerAccess finished by the reactor while its read model lags',
  (onEsdb) => {
    const app = appForSuite({
      onEsdbDouble: onEsdb,
      env: { READ_YOUR_WRITES_TIMEOUT_MS: '200' },
    });

    const store = () => app.app.get<EventStore>(EVENT_STORE);
    const lastOfType = async (type: string): Promise<RecordedEvent> => {
      const events = await store().readAll({ maxCount: 100_000 });
      return events.filter((event) => event.type === type).at(-1)!;
    };

    it('R70, R22: the reactor ends the Owner role of a subscription provisioned before the request that the read model had not shown yet', async () => {
      const [ann, fay] = await Promise.all([people.ann, people.fay].map(app.token));
      const invitation = await app.gql(ann, INVITE);
      await app.gql(fay, ACCEPT, { id: invitation.data.requestResellerRelationship.id });
      expect((await app.gql(ann, PROVISION, { name: 'Shown' })).errors).toBeUndefined();

      // The read models stop where they are; the reactor stops, as a crash would leave it.
      const reactor = app.app.get(PolicyReactor);
      const projector = app.app.get<Projector>(PROJECTOR);
      await reactor.stop();
      await projector.stop();
      // Recorded, not shown: both answers say the read models are behind.
      expect((await app.gql(ann, PROVISION, { name: 'Not shown' })).errors?.[0].extensions).toEqual(
        expect.objectContaining({ code: 'NOT_READY', recorded: true }),
      );
      const notShown = (await lastOfType('AzureSubscriptionProvisioned')).streamId;
      await app.gql(fay, REVOKE);
      const request = await lastOfType('PartnerAccessRevocationRequested');

      // The reactor takes the request over while the read model is still behind it.
      // (Its start resolves once every follow-up is done: not before the read model catches up.)
      const caughtUp = reactor.start();
      await new Promise((resolve) => setTimeout(resolve, 500));
      await projector.start();
      await caughtUp;
      expect(reactor.status().checkpoint).toBeGreaterThanOrEqual(request.position);

      const removals = (await store().readStream(notShown)).filter(
        (event) => event.type === 'SubscriptionRoleAssignmentRemoved',
      );
      expect(removals).toHaveLength(1);
      expect(removals[0].metadata.correlationId).toBe(request.metadata.correlationId);
    }, 60_000);
  },
);
