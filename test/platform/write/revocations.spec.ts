import { loadSettings } from '../../../src/platform/config/settings';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fencedStreamsOf } from '../../../src/capabilities';
import type { Clock } from '../../../src/platform/config/clock';
import type { EventStore } from '../../../src/platform/event-store/event-store';
import { AggregateStore } from '../../../src/platform/write/aggregate-store';
import { Revocations } from '../../../src/platform/write/revocations';
import { customerGlobalAdmin, partnerUser } from '../../support/given';
import { grantContosoDap, removeContosoDap } from '../../support/dap-grant';
import { EVENT_STORES, type OpenedStore } from '../../support/event-stores';
import { InterleavingStore } from '../../support/interleaving-store';
import { streamIds } from '../../../src/platform/domain/streams';
import { revocationClaimed } from '../../../src/platform/domain/revocation-fences';

const pair = { partnerTenantId: 'contoso-partners', customerTenantId: 'fabrikam' };

const { partnerTenantId: PARTNER, customerTenantId: CUSTOMER } = pair;

/** A clock a millisecond later at every reading, as a busy server's is between two appends. */
class TickingClock implements Clock {
  private current = Date.parse('2026-12-03T08:00:00.000Z');
  now(): Date {
    return new Date(this.current++);
  }
}

describe.each(EVENT_STORES)(
  'a revocation’s fences occurred when it was decided, on %s',
  (_label, openStore) => {
    let dir: string;
    let opened: OpenedStore;
    let store: EventStore;

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'revocations-'));
      opened = await openStore(dir);
      store = opened.store;
    });
    afterEach(async () => {
      await opened.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('R12, R50: DAP removed behind its claim and fences: one moment for all of them, so times follow the positions', async () => {
      const aggregates = new AggregateStore(store, new TickingClock());
      const context = {
        actor: partnerUser(['AdminAgent'], { tenantId: PARTNER }),
        correlationId: 'c-1',
      };
      await grantContosoDap(aggregates, context);
      const fay = customerGlobalAdmin({ tenantId: CUSTOMER });
      await removeContosoDap(
        new Revocations(aggregates, fencedStreamsOf, store, loadSettings()),
        fay,
        randomUUID(),
      );

      const recorded = (await store.readAll({ maxCount: 100 })).map((event) => ({
        type: event.type,
        occurredAt: event.metadata.occurredAt,
      }));
      const revocation = recorded.slice(1);
      expect(revocation.map((event) => event.type)).toEqual([
        'PartnerAccessRevocationClaimed',
        ...fencedStreamsOf(PARTNER, CUSTOMER).map(() => 'PartnerAccessRevocationStarted'),
        'DelegatedAdminRemoved',
      ]);
      expect(new Set(revocation.map((event) => event.occurredAt)).size).toBe(1);
      expect(revocation[0].occurredAt > recorded[0].occurredAt).toBe(true);
    });

    it('R70, R9: the fences name why the fact is revoked, for a resumption after a crash to record the same', async () => {
      const aggregates = new AggregateStore(store, new TickingClock());
      const context = {
        actor: partnerUser(['AdminAgent'], { tenantId: PARTNER }),
        correlationId: 'c-1',
      };
      await grantContosoDap(aggregates, context);
      const revocations = new Revocations(aggregates, fencedStreamsOf, store, loadSettings());
      const fay = customerGlobalAdmin({ tenantId: CUSTOMER });
      await removeContosoDap(revocations, fay, randomUUID(), 'ALL_ACCESS_ENDED');

      const reasons = (await store.readAll({ maxCount: 100 }))
        .slice(2) // the grant and the claim
        .map(({ type, data }) => ({ type, reason: (data as { reason?: string }).reason }));
      expect(reasons).toEqual([
        ...fencedStreamsOf(PARTNER, CUSTOMER).map(() => ({
          type: 'PartnerAccessRevocationStarted',
          reason: 'ALL_ACCESS_ENDED',
        })),
        { type: 'DelegatedAdminRemoved', reason: 'ALL_ACCESS_ENDED' },
      ]);
    });
  },
);

describe.each(EVENT_STORES)(
  'the same revocation on two instances at once, on %s',
  (_label, openStore) => {
    let dir: string;
    let opened: OpenedStore;
    let store: EventStore;
    const fay = customerGlobalAdmin({ tenantId: CUSTOMER });
    const dapStream = streamIds.dapGrant(PARTNER, CUSTOMER);

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'revocations-'));
      opened = await openStore(dir);
      store = opened.store;
      const context = {
        actor: partnerUser(['AdminAgent'], { tenantId: PARTNER }),
        correlationId: 'c-0',
      };
      await grantContosoDap(new AggregateStore(store, new TickingClock()), context);
    });
    afterEach(async () => {
      await opened.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /**
     * One instance's write side over the shared store: its own turns, its own caches. With
     * `firstWrite`, its first append waits for that promise.
     */
    function instance(stalledAfterMs = 2000, firstWrite?: Promise<void>, arrived?: () => void) {
      const own = new InterleavingStore(store);
      own.beforeAppend = async () => {
        own.beforeAppend = null;
        arrived?.();
        await firstWrite;
      };
      return new Revocations(new AggregateStore(own, new TickingClock()), fencedStreamsOf, own, {
        REVOCATION_STALLED_AFTER_MS: stalledAfterMs,
      });
    }

    const recordedBy = async (correlationId: string) =>
      (await store.readAll({ maxCount: 100 }))
        .filter((event) => event.metadata.correlationId === correlationId)
        .map((event) => event.type);

    it('R12, R50: two instances removing the same DAP at once: one claims it and fences, the other waits for it and is refused, writing nothing', async () => {
      // Both decide on DAP in force before either writes: their first appends wait for each other.
      let arrived = 0;
      let bothDecided!: () => void;
      const decided = new Promise<void>((resolve) => (bothDecided = resolve));
      const arrive = () => ++arrived === 2 && bothDecided();
      const [first, second] = [randomUUID(), randomUUID()];
      const outcomes = await Promise.allSettled([
        removeContosoDap(instance(2000, decided, arrive), fay, first),
        removeContosoDap(instance(2000, decided, arrive), fay, second),
      ]);

      expect(arrived).toBe(2);
      const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(refused).toHaveLength(1);
      expect(refused[0].reason).toMatchObject({
        code: 'PRECONDITION_FAILED',
        rule: 'R12',
      });
      const winner = outcomes[0].status === 'fulfilled' ? first : second;
      const loser = winner === first ? second : first;
      expect(await recordedBy(loser)).toEqual([]);
      expect(await recordedBy(winner)).toEqual([
        'PartnerAccessRevocationClaimed',
        ...fencedStreamsOf(PARTNER, CUSTOMER).map(() => 'PartnerAccessRevocationStarted'),
        'DelegatedAdminRemoved',
      ]);
    });

    it('R12, R50: a claim whose instance stopped before fencing is taken over once REVOCATION_STALLED_AFTER_MS passed', async () => {
      const [factRevision] = (await store.readStream(dapStream, { direction: 'backwards' })).map(
        (event) => event.revision,
      );
      const stopped = new AggregateStore(store, new TickingClock());
      await stopped.record(
        streamIds.revocationClaim(PARTNER, CUSTOMER, 'DELEGATED_ADMIN', factRevision),
        [revocationClaimed(pair, 'DELEGATED_ADMIN', dapStream, factRevision)],
        'no_stream',
        { actor: fay, correlationId: 'stopped' },
        new Date(),
      );

      const request = randomUUID();
      const removed = await removeContosoDap(instance(100), fay, request);

      expect(removed.events.map((event) => event.type)).toEqual(['DelegatedAdminRemoved']);
      expect(await recordedBy(request)).toEqual([
        ...fencedStreamsOf(PARTNER, CUSTOMER).map(() => 'PartnerAccessRevocationStarted'),
        'DelegatedAdminRemoved',
      ]);
    });
  },
);
