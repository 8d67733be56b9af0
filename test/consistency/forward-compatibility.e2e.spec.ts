import { readDomainEvent as readEvent } from '../../src/events';
import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { unreadableEvents } from '../../src/platform/event-store/unreadable-events';
import { newEvent, newMetadata } from '../support/events';
import { appForSuite, describeOnBothStores } from '../support/app';
import { people } from '../support/tenants';

const REQUEST = `mutation ($input: RequestResellerRelationshipInput!) { requestResellerRelationship(input: $input) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { delegatedAdmin { status } } }`;
const REMOVE = `mutation { removeDelegatedAdminPrivileges(partnerTenantId: "contoso-partners", confirm: true) { delegatedAdmin { status } } }`;
const PROVISION = `mutation { provisionAzureSubscription(input: { customerTenantId: "fabrikam", displayName: "Prod" }) { id } }`;
const HISTORY = `query ($streamId: String!) { history(streamId: $streamId) { type data stateAfter } }`;
const CUSTOMERS = `{ customers { nodes { tenantId delegatedAdmin { status } } } }`;

describe('readEvent: what this version makes of stored events', () => {
  it('reads a known type at its current version as it is', () => {
    const data = { partnerTenantId: 'p', customerTenantId: 'c' };
    expect(readEvent('RelationshipEnded', 1, data)).toEqual({
      readable: true,
      event: { type: 'RelationshipEnded', data },
    });
  });
  it('refuses a type it does not know, and a version newer than it writes', () => {
    expect(readEvent('RelationshipRenamed', 1, {})).toEqual({
      readable: false,
      reason: 'UNKNOWN_TYPE',
    });
    expect(readEvent('RelationshipEnded', 2, {})).toEqual({
      readable: false,
      reason: 'UNKNOWN_VERSION',
    });
    expect(readEvent('RelationshipEnded', 0, {})).toEqual({
      readable: false,
      reason: 'UNKNOWN_VERSION',
    });
  });
});

describeOnBothStores('a store holding events a newer version wrote', (onEsdb) => {
  const app = appForSuite({ onEsdbDouble: onEsdb });
  let store: EventStore;

  beforeAll(() => {
    store = app.app.get<EventStore>(EVENT_STORE);
  });

  it('never blocks a stream: commands, history and the pages go on, the events are skipped and counted', async () => {
    const ann = await app.token(people.ann);
    const fay = await app.token(people.fay);
    const id = (await app.gql(ann, REQUEST, { input: {} })).data.requestResellerRelationship.id;
    expect((await app.gql(fay, ACCEPT, { id })).errors).toBeUndefined();

    const before = new Map(unreadableEvents.tally());
    const fromTheFuture = { partnerTenantId: 'contoso-partners', customerTenantId: 'fabrikam' };
    await store.append(
      'dapgrant-contoso-partners_fabrikam',
      [
        newEvent('DelegatedAdminScopeNarrowed', { ...fromTheFuture, scope: 'mailboxes' }),
        newEvent('DelegatedAdminRemoved', fromTheFuture, {
          metadata: newMetadata({ schemaVersion: 7 }),
        }),
      ],
      'any',
    );
    await store.append(
      'relationship-contoso-partners_fabrikam',
      [newEvent('RelationshipRenamed', { ...fromTheFuture, name: 'Gold' })],
      'any',
    );

    // The version-7 removal is not understood, so DAP is still active to this version and removable.
    const removed = await app.gql(fay, REMOVE);
    expect(removed.errors).toBeUndefined();
    expect(removed.data.removeDelegatedAdminPrivileges.delegatedAdmin.status).toBe('REMOVED');
    expect((await app.gql(ann, PROVISION)).errors).toBeUndefined();
    expect((await app.gql(ann, CUSTOMERS)).data.customers.nodes).toEqual([
      { tenantId: 'fabrikam', delegatedAdmin: { status: 'REMOVED' } },
    ]);

    const history = await app.gql(fay, HISTORY, { streamId: 'dapgrant-contoso-partners_fabrikam' });
    expect(history.errors).toBeUndefined();
    const types = history.data.history.map((event: { type: string }) => event.type);
    expect(types).toEqual([
      'DelegatedAdminGranted',
      'DelegatedAdminScopeNarrowed',
      'DelegatedAdminRemoved',
      'DelegatedAdminRemoved',
    ]);
    const states = history.data.history.map(
      (event: { stateAfter: { status: string } }) => event.stateAfter.status,
    );
    expect(states).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE', 'REMOVED']);

    const skipped = (key: string) =>
      (unreadableEvents.tally().get(key) ?? 0) - (before.get(key) ?? 0);
    expect(skipped('DelegatedAdminScopeNarrowed@1')).toBeGreaterThan(0);
    expect(skipped('DelegatedAdminRemoved@7')).toBeGreaterThan(0);
    expect(skipped('RelationshipRenamed@1')).toBeGreaterThan(0);
  });
});
