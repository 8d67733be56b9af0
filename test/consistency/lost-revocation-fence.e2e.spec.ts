import { fencedStreamsOf } from '../../src/capabilities';
import { revocationStarted } from '../../src/platform/domain/revocation-fences';
import { streamIds } from '../../src/platform/domain/streams';
import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { AggregateStore } from '../../src/platform/write/aggregate-store';
import { appForSuite, describeOnBothStores } from '../support/app';
import type { Answer } from '../support/revoke-before-append';
import { people } from '../support/tenants';

const REQUEST = `mutation { requestResellerRelationship(input: { customerTenantId: "fabrikam", includeDelegatedAdmin: true }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId } }`;
const PROVISION = `mutation { provisionAzureSubscription(input: { customerTenantId: "fabrikam", displayName: "Prod" }) { id } }`;
const OPEN_SR = `mutation { openServiceRequest(input: { customerTenantId: "fabrikam", title: "Quota", description: "Raise it" }) { id } }`;
const ADD_DEVICE = `mutation { addAutopilotDevices(input: { customerTenantId: "fabrikam", devices: [{ serialNumber: "SN-1", manufacturer: "Contoso", model: "L1" }] }) { id } }`;

const PARTNER = 'contoso-partners';
const CUSTOMER = 'fabrikam';
const ANN = {
  userId: 'ann',
  name: 'Ann',
  tenantId: PARTNER,
  tenantKind: 'partner' as const,
  roles: ['AdminAgent'],
};

/**
 * R9: an end of the relationship fences the partner's dependent streams, but loses its race to the
 * relationship's stream (a provisioning landed first) and is refused. Its fence no longer holds
 * once that stream has moved on: a partner action whose append the fence made conflict is decided
 * again on the pair as it now stands, and succeeds.
 */
describeOnBothStores('a partner action behind the fence of an end that lost its race', (onEsdb) => {
  const app = appForSuite({ onEsdbDouble: onEsdb });
  let ann: string;

  beforeAll(async () => {
    ann = await app.token(people.ann);
    const invitation = await app.gql(ann, REQUEST);
    const fay = await app.token(people.fay);
    await app.gql(fay, ACCEPT, { id: invitation.data.requestResellerRelationship.id });
  });

  /** Runs `action`; before its first append to `fenced`, an end fences it and loses its race. */
  async function behindLostEnd(fenced: string, action: () => Promise<Answer>): Promise<Answer> {
    const store = app.app.get<EventStore>(EVENT_STORE);
    const aggregates = app.app.get(AggregateStore);
    const append = store.append.bind(store);
    let raced = false;
    store.append = async (streamId, events, expected) => {
      if (!raced && streamId === fenced) {
        raced = true;
        // The end reads the relationship; a provisioning moves the relationship on; the end fences
        // the stream and, decided again on the newer relationship, is refused (R9: an active
        // subscription), leaving its fence behind.
        const [last] = await store.readStream(streamIds.relationship(PARTNER, CUSTOMER), {
          direction: 'backwards',
          maxCount: 1,
        });
        expect((await app.gql(ann, PROVISION)).errors).toBeUndefined();
        const { scope } = fencedStreamsOf(PARTNER, CUSTOMER).find((s) => s.streamId === fenced)!;
        const fence = revocationStarted(PARTNER, CUSTOMER, 'RELATIONSHIP', last.revision, scope);
        const end = { actor: ANN, correlationId: `the-lost-end-${fenced}` };
        await aggregates.record(fenced, [fence], 'any', end, new Date());
      }
      return append(streamId, events, expected);
    };
    try {
      const answer = await action();
      expect(raced).toBe(true);
      return answer;
    } finally {
      store.append = append;
    }
  }

  it('R14, R9: a service request retried behind the stale fence reads the pair again and is opened', async () => {
    const hal = await app.token(people.hal);
    const requests = streamIds.serviceRequests(PARTNER, CUSTOMER);
    const opened = await behindLostEnd(requests, () => app.gql(hal, OPEN_SR));
    expect(opened.errors).toBeUndefined();
  });

  it('R30, R9: an Autopilot device added behind the stale fence reads the pair again and is added', async () => {
    const added = await behindLostEnd(streamIds.autopilot(CUSTOMER), () =>
      app.gql(ann, ADD_DEVICE),
    );
    expect(added.errors).toBeUndefined();
  });
});
