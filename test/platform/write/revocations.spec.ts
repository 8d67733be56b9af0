import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fencedStreamsOf } from '../../../src/capabilities';
import { dapGrantDecider } from '../../../src/delegated-admin/domain/dap-grant/dap-grant.decider';
import type { Clock } from '../../../src/platform/config/clock';
import { streamIds } from '../../../src/platform/domain/streams';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { AggregateStore } from '../../../src/platform/write/aggregate-store';
import { Revocations } from '../../../src/platform/write/revocations';
import { customerGlobalAdmin, partnerUser } from '../../support/given';

const PARTNER = 'contoso-partners';
const CUSTOMER = 'fabrikam';
const pair = { partnerTenantId: PARTNER, customerTenantId: CUSTOMER };

/** A clock a millisecond later at every reading, as a busy server's is between two appends. */
class TickingClock implements Clock {
  private current = Date.parse('2026-12-03T08:00:00.000Z');
  now(): Date {
    return new Date(this.current++);
  }
}

describe('a revocation’s fences occurred when the revocation was decided', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'revocations-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('R12: DAP removed behind its fences: one moment for all of them, so times follow the positions', async () => {
    const aggregates = new AggregateStore(store, new TickingClock());
    const context = {
      actor: partnerUser(['AdminAgent'], { tenantId: PARTNER }),
      correlationId: 'c-1',
    };
    await aggregates.decide(
      streamIds.dapGrant(PARTNER, CUSTOMER),
      dapGrantDecider,
      {
        type: 'GrantDelegatedAdmin',
        invitationId: 'inv-1',
        partnerTenantId: PARTNER,
        partnerName: 'Contoso Partners',
        customer: { tenantId: CUSTOMER, name: 'Fabrikam' },
      },
      context,
    );
    const fay = customerGlobalAdmin({ tenantId: CUSTOMER });
    await new Revocations(aggregates, fencedStreamsOf).revoke({
      streamId: streamIds.dapGrant(PARTNER, CUSTOMER),
      decider: dapGrantDecider,
      command: {
        type: 'RemoveDelegatedAdminPrivileges',
        actor: fay,
        ...pair,
        confirm: true,
        relationshipActive: true,
      },
      revoking: 'DELEGATED_ADMIN',
      pair,
      context: { actor: fay, correlationId: randomUUID() },
    });

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
});
