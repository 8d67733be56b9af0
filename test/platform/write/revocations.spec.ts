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
import { Barrier } from '../../support/barrier';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DomainEvent } from '../../../src/events';
import { dapGrantDecider } from '../../../src/delegated-admin/domain/dap-grant/dap-grant.decider';
import { streamIds } from '../../../src/platform/domain/streams';
import { revocationClaimed } from '../../../src/platform/domain/revocation-fences';
import type { Recorded } from '../../../src/platform/event-store/last-recorded';

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
      const clock = new TickingClock();
      const aggregates = new AggregateStore(store, clock);
      const context = {
        actor: partnerUser(['AdminAgent'], { tenantId: PARTNER }),
        correlationId: 'c-1',
      };
      await grantContosoDap(aggregates, context);
      const fay = customerGlobalAdmin({ tenantId: CUSTOMER });
      await removeContosoDap(
        new Revocations(aggregates, fencedStreamsOf, store, loadSettings(), clock),
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
      const clock = new TickingClock();
      const aggregates = new AggregateStore(store, clock);
      const context = {
        actor: partnerUser(['AdminAgent'], { tenantId: PARTNER }),
        correlationId: 'c-1',
      };
      await grantContosoDap(aggregates, context);
      const revocations = new Revocations(
        aggregates,
        fencedStreamsOf,
        store,
        loadSettings(),
        clock,
      );
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
     * `together`, its first append waits at that barrier.
     */
    function instance(stalledAfterMs = 2000, together?: Barrier) {
      const own = new InterleavingStore(store);
      own.beforeAppend = async () => {
        own.beforeAppend = null;
        await together?.arrive();
      };
      const clock = new TickingClock();
      const settings = { REVOCATION_STALLED_AFTER_MS: stalledAfterMs };
      return new Revocations(new AggregateStore(own, clock), fencedStreamsOf, own, settings, clock);
    }

    const recordedBy = async (correlationId: string) =>
      (await store.readAll({ maxCount: 100 }))
        .filter((event) => event.metadata.correlationId === correlationId)
        .map((event) => event.type);

    it('R12, R50: two instances removing the same DAP at once: one claims it and fences, the other waits for it and is refused, writing nothing', async () => {
      // Both decide on DAP in force before either writes: their first appends wait for each other.
      const together = new Barrier(2);
      const [first, second] = [randomUUID(), randomUUID()];
      const outcomes = await Promise.allSettled([
        removeContosoDap(instance(2000, together), fay, first),
        removeContosoDap(instance(2000, together), fay, second),
      ]);

      expect(together.arrived).toBe(2);
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

    it('R12, R50: two instances removing the same DAP at once for requests sent with one request id: still one claim and one set of fences', async () => {
      const together = new Barrier(2);
      const sameId = randomUUID();
      const outcomes = await Promise.allSettled([
        removeContosoDap(instance(2000, together), fay, sameId),
        removeContosoDap(instance(2000, together), fay, sameId),
      ]);

      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(await recordedBy(sameId)).toEqual([
        'PartnerAccessRevocationClaimed',
        ...fencedStreamsOf(PARTNER, CUSTOMER).map(() => 'PartnerAccessRevocationStarted'),
        'DelegatedAdminRemoved',
      ]);
    });

    it('R9, R12, R50: the customer removing DAP on one instance while an end’s DAP removal runs on another: whichever lands, the other writes nothing', async () => {
      const together = new Barrier(2);
      const [customers, ends] = [randomUUID(), randomUUID()];
      const endsRemoval = instance(2000, together).revoke({
        streamId: dapStream,
        decider: dapGrantDecider,
        command: { type: 'RevokeDelegatedAdminOnRelationshipEnd', ...pair },
        revoking: 'DELEGATED_ADMIN',
        pair,
        context: { actor: partnerUser(['AdminAgent'], { tenantId: PARTNER }), correlationId: ends },
        alreadyFenced: true,
      });
      const outcomes = await Promise.allSettled([
        removeContosoDap(instance(2000, together), fay, customers),
        endsRemoval,
      ]);

      expect(together.arrived).toBe(2);
      const removed = (await store.readStream(dapStream)).filter(
        (event) => event.type === 'DelegatedAdminRemoved',
      );
      expect(removed).toHaveLength(1);
      const loser = removed[0].metadata.correlationId === customers ? ends : customers;
      expect(await recordedBy(loser)).toEqual([]);
      if (loser === customers) {
        expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: { rule: 'R12' } });
      } else {
        expect(outcomes[1]).toMatchObject({ status: 'fulfilled', value: { events: [] } });
      }
    });

    /** Another request's claim on removing DAP, decided at `factRevision`, made `at`. */
    const claimBy = (correlationId: string, factRevision: number, at = new Date()) =>
      new AggregateStore(store, new TickingClock()).record(
        streamIds.revocationClaim(PARTNER, CUSTOMER, 'DELEGATED_ADMIN'),
        [revocationClaimed(pair, 'DELEGATED_ADMIN', dapStream, factRevision)],
        'any',
        { actor: fay, correlationId },
        at,
      );
    const dapRevision = async () =>
      (await store.readStream(dapStream, { direction: 'backwards', maxCount: 1 }))[0].revision;

    it('R12, R50: a claim whose instance stopped before fencing is taken over once REVOCATION_STALLED_AFTER_MS passed', async () => {
      await claimBy('stopped', await dapRevision());

      const request = randomUUID();
      const removed = await removeContosoDap(instance(100), fay, request);

      expect(removed.events.map((event) => event.type)).toEqual(['DelegatedAdminRemoved']);
      expect(await recordedBy(request)).toEqual([
        'PartnerAccessRevocationClaimed',
        ...fencedStreamsOf(PARTNER, CUSTOMER).map(() => 'PartnerAccessRevocationStarted'),
        'DelegatedAdminRemoved',
      ]);
    });

    it('R12, R50: a claim that cannot be read (bad data, written by hand) holds nothing: the removal goes on at once', async () => {
      await new AggregateStore(store, new TickingClock()).record(
        streamIds.revocationClaim(PARTNER, CUSTOMER, 'DELEGATED_ADMIN'),
        [
          {
            type: 'PartnerAccessRevocationClaimed',
            data: { factRevision: 'x' },
          } as unknown as DomainEvent,
        ],
        'any',
        { actor: fay, correlationId: 'by-hand' },
        new Date(),
      );

      const request = randomUUID();
      const removed = await removeContosoDap(instance(60_000), fay, request);

      expect(removed.events.map((event) => event.type)).toEqual(['DelegatedAdminRemoved']);
    });

    it('R12, R50: a claim decided at an earlier revision of the fact stream (a partner’s busy GDAP stream moved between) still makes the same revocation wait for it', async () => {
      const decidedAt = (await dapRevision()) - 1;
      await claimBy('under-way', decidedAt);

      const request = randomUUID();
      const waiting = removeContosoDap(instance(), fay, request);
      await sleep(100);
      // The claim's request lands: its removal, at last.
      await new AggregateStore(store, new TickingClock()).record(
        dapStream,
        [{ type: 'DelegatedAdminRemoved', data: { ...pair } } as DomainEvent],
        'any',
        { actor: fay, correlationId: 'under-way' },
        new Date(),
      );

      await expect(waiting).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', rule: 'R12' });
      expect(await recordedBy(request)).toEqual([]);
    });

    const stalledAfterMs = 10_000;

    /**
     * One instance whose first append to the DAP stream (a removal's, after its claim and fences)
     * finds DAP removed by another request: that removal ends without landing. `meanwhile` runs
     * first, on this instance.
     */
    function removedUnderTheFirst(
      meanwhile: (here: Revocations) => Promise<void> = async () => {},
    ) {
      const own = new InterleavingStore(store);
      const clock = new TickingClock();
      const settings = { REVOCATION_STALLED_AFTER_MS: stalledAfterMs };
      const here = new Revocations(
        new AggregateStore(own, clock),
        fencedStreamsOf,
        own,
        settings,
        clock,
      );
      own.beforeAppend = async (streamId) => {
        if (streamId !== dapStream) return;
        own.beforeAppend = null;
        await meanwhile(here);
        await new AggregateStore(store, new TickingClock()).record(
          dapStream,
          [{ type: 'DelegatedAdminRemoved', data: { ...pair } } as DomainEvent],
          'any',
          { actor: fay, correlationId: 'elsewhere' },
          new Date(),
        );
      };
      return here;
    }

    it.each([
      ['this instance', (here: Revocations) => here],
      ['another instance', () => instance(stalledAfterMs)],
    ])(
      'R9, R12, R50: an end’s DAP removal on %s waiting for a claim goes on once that claim’s revocation ends without landing and releases it, not after REVOCATION_STALLED_AFTER_MS',
      async (_where, waiterBeside) => {
        let ending: Promise<Recorded> | undefined;
        const here = removedUnderTheFirst(async (holder) => {
          ending = waiterBeside(holder).revoke({
            streamId: dapStream,
            decider: dapGrantDecider,
            command: { type: 'RevokeDelegatedAdminOnRelationshipEnd', ...pair },
            revoking: 'DELEGATED_ADMIN',
            pair,
            context: {
              actor: partnerUser(['AdminAgent'], { tenantId: PARTNER }),
              correlationId: 'end',
            },
            alreadyFenced: true,
          });
          await sleep(100); // it meets the claim, and waits for it
        });
        const started = Date.now();

        await expect(removeContosoDap(here, fay, randomUUID())).rejects.toMatchObject({
          rule: 'R12',
        });
        const ended = await ending!;

        expect(Date.now() - started).toBeLessThan(stalledAfterMs);
        expect(ended.events).toEqual([]);
        expect(await recordedBy('end')).toEqual([]);
        const claims = await store.readStream(
          streamIds.revocationClaim(PARTNER, CUSTOMER, 'DELEGATED_ADMIN'),
        );
        expect(claims.map((event) => event.type)).toEqual([
          'PartnerAccessRevocationClaimed',
          'PartnerAccessRevocationClaimReleased',
        ]);
      },
      20_000,
    );

    it('R12, R50: a claim whose revocation ended without landing (DAP removed under it) holds up none after it', async () => {
      const here = removedUnderTheFirst();
      const first = randomUUID();
      await expect(removeContosoDap(here, fay, first)).rejects.toMatchObject({ rule: 'R12' });
      expect(await recordedBy(first)).toContain('PartnerAccessRevocationClaimed');
      const grantedAgain = await new AggregateStore(store, new TickingClock()).decide(
        dapStream,
        dapGrantDecider,
        {
          type: 'GrantDelegatedAdmin',
          invitationId: 'inv-2',
          partnerTenantId: PARTNER,
          partnerName: 'Contoso Partners',
          customer: { tenantId: CUSTOMER, name: 'Fabrikam' },
        },
        { actor: partnerUser(['AdminAgent'], { tenantId: PARTNER }), correlationId: 'again' },
      );
      expect(grantedAgain.events.map((event) => event.type)).toEqual(['DelegatedAdminGranted']);

      const second = randomUUID();
      const started = Date.now();
      const removed = await removeContosoDap(here, fay, second);

      expect(Date.now() - started).toBeLessThan(stalledAfterMs);
      expect(removed.events.map((event) => event.type)).toEqual(['DelegatedAdminRemoved']);
    }, 20_000);

    it('R12, R50: a claim whose request has landed on the fact stream is followed by a new one at once', async () => {
      // The grant's request, as if it had claimed a revocation decided before the grant.
      await claimBy('c-0', (await dapRevision()) - 1);

      const request = randomUUID();
      await removeContosoDap(instance(60_000), fay, request);

      const claims = await store.readStream(
        streamIds.revocationClaim(PARTNER, CUSTOMER, 'DELEGATED_ADMIN'),
      );
      expect(claims.map((claim) => claim.metadata.correlationId)).toEqual(['c-0', request]);
    });
  },
);
