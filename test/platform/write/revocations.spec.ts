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

const PARTNER = 'contoso-partners';
const CUSTOMER = 'fabrikam';

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

    it('R12: DAP removed behind its fences: one moment for all of them, so times follow the positions', async () => {
      const aggregates = new AggregateStore(store, new TickingClock());
      const context = {
        actor: partnerUser(['AdminAgent'], { tenantId: PARTNER }),
        correlationId: 'c-1',
      };
      await grantContosoDap(aggregates, context);
      const fay = customerGlobalAdmin({ tenantId: CUSTOMER });
      await removeContosoDap(
        new Revocations(aggregates, fencedStreamsOf, store),
        fay,
        randomUUID(),
      );

      const recorded = (await store.readAll({ maxCount: 100 })).map((event) => ({
        type: event.type,
        occurredAt: event.metadata.occurredAt,
      }));
      const revocation = recorded.slice(1);
      expect(revocation.map((event) => event.type)).toEqual([
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
      const revocations = new Revocations(aggregates, fencedStreamsOf, store);
      const fay = customerGlobalAdmin({ tenantId: CUSTOMER });
      await removeContosoDap(revocations, fay, randomUUID(), 'ALL_ACCESS_ENDED');

      const reasons = (await store.readAll({ maxCount: 100 }))
        .slice(1)
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
