import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gdapDecider } from '../../../src/gdap/domain/gdap.decider';
import { gdapStreamId } from '../../../src/gdap/domain/gdap-ids';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { AggregateStore } from '../../../src/platform/write/aggregate-store';
import { ManualClock } from '../../support/app';
import { newEvent } from '../../support/events';
import {
  ann,
  approve,
  assign,
  at,
  CONTOSO,
  createCommand,
  due,
  historyOf,
  REL2,
  requestApproval,
} from '../../gdap/domain/gdap.fixtures';

const REL3 = '55555555-5555-4555-8555-555555555555@contoso-partners';
const stream = gdapStreamId(CONTOSO);

/**
 * A decision's events that finish an earlier request (DecideOptions.finishes) belong to it; the
 * others keep the deciding context's correlation id, each caused by the one before it of that
 * context, the first by the context itself.
 */
describe('AggregateStore: events that finish earlier requests', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'finishes-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    // An assignment waiting to be activated, and two approval requests that lapse on day 91.
    const history = historyOf(
      [createCommand(), 0],
      [requestApproval(), 0],
      [approve(), 1],
      [assign(), 1],
      [createCommand({ relationshipId: REL2, displayName: 'Second' }), 1],
      [requestApproval(REL2), 1],
      [createCommand({ relationshipId: REL3, displayName: 'Third' }), 1],
      [requestApproval(REL3), 1],
    );
    await store.append(
      stream,
      history.map((event) => newEvent(event.type, event.data)),
      'no_stream',
    );
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('R41, R69: one append carries the request each event finishes, and the decider’s own chain', async () => {
    const aggregates = new AggregateStore(store, new ManualClock(at(92)));
    const asked: number[] = [];
    await aggregates.decide(
      stream,
      gdapDecider,
      due,
      { actor: ann, correlationId: 'scheduler-pass', causationId: 'the-wake-up' },
      {
        finishes: (revision, events) => {
          asked.push(revision);
          return Promise.resolve(
            events.map((event) =>
              event.type === 'DelegatedAdminAccessAssignmentActivated'
                ? { eventId: 'the-creation', correlationId: 'ann-request' }
                : undefined,
            ),
          );
        },
      },
    );
    expect(asked).toEqual([7]);
    const appended = (await store.readStream(stream)).slice(8);
    expect(appended.map((event) => event.type).sort()).toEqual([
      'DelegatedAdminAccessAssignmentActivated',
      'DelegatedAdminRelationshipApprovalExpired',
      'DelegatedAdminRelationshipApprovalExpired',
    ]);
    const activated = appended.find(
      (event) => event.type === 'DelegatedAdminAccessAssignmentActivated',
    );
    expect(activated?.metadata).toMatchObject({
      correlationId: 'ann-request',
      causationId: 'the-creation',
    });
    const own = appended.filter((event) => event !== activated);
    expect(own.map((event) => event.metadata.correlationId)).toEqual([
      'scheduler-pass',
      'scheduler-pass',
    ]);
    expect(own.map((event) => event.metadata.causationId)).toEqual(['the-wake-up', own[0].id]);
  });
});
