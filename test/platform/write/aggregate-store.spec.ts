import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AggregateStore } from '../../../src/platform/write/aggregate-store';
import type { Decider } from '../../../src/platform/domain/decider';
import type { DomainEvent } from '../../../src/events';
import { happenedAt } from '../../../src/platform/domain/event-time';
import { loadPairSnapshot } from '../../../src/delegated-admin/pair-facts';
import { dapGrantDecider } from '../../../src/delegated-admin/domain/dap-grant/dap-grant.decider';
import { serviceRequestsDecider } from '../../../src/delegated-admin/domain/service-requests/service-requests.decider';
import { streamIds } from '../../../src/platform/domain/streams';
import type { ReadStreamOptions } from '../../../src/platform/event-store/event-store';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { ManualClock } from '../../support/app';
import { newEvent } from '../../support/events';
import { customerGlobalAdmin, partnerUser } from '../../support/given';
import { grantContosoDap } from '../../support/dap-grant';

const PARTNER = 'contoso-partners';
const CUSTOMER = 'fabrikam';
const dapStream = streamIds.dapGrant(PARTNER, CUSTOMER);
const stream = streamIds.serviceRequests(PARTNER, CUSTOMER);
const agent = partnerUser(['AdminAgent'], { tenantId: PARTNER });
const fay = customerGlobalAdmin({ tenantId: CUSTOMER });
const context = (actor = agent) => ({ actor, correlationId: 'c-1' });
const serviceRequest = async (aggregates: AggregateStore, serviceRequestId: string) =>
  aggregates.decide(
    stream,
    serviceRequestsDecider,
    {
      type: 'OpenServiceRequest',
      actor: agent,
      partnerTenantId: PARTNER,
      customerTenantId: CUSTOMER,
      serviceRequestId,
      title: 'Reset a password',
      description: 'For a user of Fabrikam',
      pair: await loadPairSnapshot(aggregates, PARTNER, CUSTOMER),
    },
    context(),
  );
const RELATIONSHIP_ESTABLISHED = {
  type: 'RelationshipEstablished',
  data: {
    partnerTenantId: PARTNER,
    partnerName: 'Contoso Partners',
    customer: { tenantId: CUSTOMER, name: 'Fabrikam' },
    invitationId: 'inv-1',
  },
};

describe('AggregateStore keeps the states it folded', () => {
  let dir: string;
  let store: SqliteEventStore;
  const reads: ReadStreamOptions[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aggregates-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    const readStream = store.readStream.bind(store);
    store.readStream = (streamId, options = {}) => {
      if (streamId === stream) reads.push(options);
      return readStream(streamId, options);
    };
    reads.length = 0;
    await store.append(
      streamIds.relationship(PARTNER, CUSTOMER),
      [newEvent(RELATIONSHIP_ESTABLISHED.type, RELATIONSHIP_ESTABLISHED.data)],
      'no_stream',
    );
    await grantContosoDap(new AggregateStore(store, new ManualClock()), context());
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a command on a stream it loaded before reads only the events appended since', async () => {
    const aggregates = new AggregateStore(store, new ManualClock());
    await serviceRequest(aggregates, 'sr-1');
    await serviceRequest(aggregates, 'sr-2');
    expect(reads.slice(-2)).toEqual([{}, { fromRevision: 1 }]);
  });

  it('R13: a DAP removal appended by another process is seen, and the next service request refused', async () => {
    const here = new AggregateStore(store, new ManualClock());
    const elsewhere = new AggregateStore(store, new ManualClock());
    await serviceRequest(here, 'sr-1');
    await elsewhere.decide(
      dapStream,
      dapGrantDecider,
      {
        type: 'RemoveDelegatedAdminPrivileges',
        actor: fay,
        partnerTenantId: PARTNER,
        customerTenantId: CUSTOMER,
        confirm: true,
        relationshipActive: true,
      },
      context(fay),
    );
    await expect(serviceRequest(here, 'sr-2')).rejects.toMatchObject({ rule: 'R13' });
    expect((await store.readStream(stream)).map((event) => event.type)).toEqual([
      'ServiceRequestOpened',
    ]);
  });

  /** A decider that records one event per entry: of the decision's moment (null), or of its own. */
  const recording = (...moments: (Date | null)[]): Decider<null, DomainEvent, null> => ({
    initialState: null,
    evolve: (state) => state,
    decide: () =>
      moments.map((at) => {
        const event = { type: 'DelegatedAdminRelationshipExpired', data: {} } as unknown;
        return at ? happenedAt(event as DomainEvent, at) : (event as DomainEvent);
      }),
  });
  const timesOf = async (streamId: string) =>
    (await store.readStream(streamId)).map((event) => event.metadata.occurredAt);

  it('an event decided with a moment of its own (a transition due earlier) occurred then; the others when decided', async () => {
    const clock = new ManualClock();
    const due = new Date(clock.now().getTime() - 86_400_000);
    await new AggregateStore(store, clock).decide(
      'timed-1',
      recording(due, null),
      null,
      context(),
      {},
    );
    expect(await timesOf('timed-1')).toEqual([due.toISOString(), clock.now().toISOString()]);
  });

  it('an event with a moment of its own is never stamped before the stream’s last event: the stream’s times never run backwards', async () => {
    const clock = new ManualClock();
    const aggregates = new AggregateStore(store, clock);
    const decided = clock.now();
    const before = (ms: number) => new Date(decided.getTime() - ms);
    // Recorded first: an event of this moment (an edit); then one due a minute before it.
    await aggregates.decide('timed-2', recording(null), null, context(), {});
    clock.advance(1_000);
    await aggregates.decide('timed-2', recording(before(60_000)), null, context(), {});
    expect(await timesOf('timed-2')).toEqual([decided.toISOString(), decided.toISOString()]);
    // Read by another instance (nothing cached), the same holds.
    await new AggregateStore(store, clock).decide(
      'timed-2',
      recording(before(120_000)),
      null,
      context(),
      {},
    );
    expect((await timesOf('timed-2')).at(-1)).toBe(decided.toISOString());
    // Within one decision too: after an event of the decision's moment, none is stamped earlier.
    await aggregates.decide('timed-3', recording(null, decided), null, context(), {});
    expect(await timesOf('timed-3')).toEqual([
      clock.now().toISOString(),
      clock.now().toISOString(),
    ]);
  });
});
