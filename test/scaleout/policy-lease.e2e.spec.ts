import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '../../src/platform/config/clock';
import type { Actor } from '../../src/platform/domain/actor';
import { EsdbEventStore } from '../../src/platform/event-store/esdb/esdb-event-store';
import type { LeaseRecord } from '../../src/platform/lease/lease-store';
import { AggregateStore } from '../../src/platform/write/aggregate-store';
import { mintToken } from '../../src/platform/auth/token-minter';
import { TEST_SECRET } from '../support/app';
import { people } from '../support/tenants';
import { EsdbDouble } from '../support/esdb-double/esdb-double';
import { spawnServer, type ServerProcess } from '../support/server-process';
import { acceptWithoutFollowUps } from '../support/story';

const ACCEPTANCES = 150;
const TTL_MS = 1500;

const partner = (index: number): Actor => ({
  userId: `agent-${index}`,
  name: `Agent ${index}`,
  tenantId: `partner-${index}`,
  tenantKind: 'partner',
  roles: ['AdminAgent'],
});
const customer = (index: number): Actor => ({
  userId: `admin-${index}`,
  name: `Admin ${index}`,
  tenantId: `customer-${index}`,
  tenantKind: 'customer',
  tenantDomain: `customer${index}.onmicrosoft.com`,
  roles: ['GlobalAdmin'],
});

async function until(
  condition: () => boolean,
  ms: number,
  what: string,
  poll: () => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    await poll();
    if (condition()) return;
    if (Date.now() > end) throw new Error(`${what} not within ${ms} ms`);
    await sleep(20);
  }
}

describe('follow-ups on three instances on one EventStoreDB (the gRPC double): one lease holder', () => {
  let double: EsdbDouble;
  let store: EsdbEventStore;
  const servers: ServerProcess[] = [];
  const dirs: string[] = [];

  const spawn = () => {
    const dir = mkdtempSync(join(tmpdir(), 'partner-ledger-lease-'));
    dirs.push(dir);
    const server = spawnServer(dir, {
      EVENTSTORE_URL: double.url,
      POLICY_LEASE_TTL_MS: String(TTL_MS),
    });
    servers.push(server);
    return server;
  };
  const ours = () => double.log.all().filter((event) => !event.streamId.startsWith('$'));
  const lease = (): LeaseRecord | undefined => {
    const writes = ours().filter((event) => event.streamId === 'lease-policies');
    const latest = writes[writes.length - 1];
    return latest && (JSON.parse(Buffer.from(latest.data).toString()) as LeaseRecord);
  };
  const pidOf = (holder: string | null | undefined) => Number(holder?.split(':')[1]);
  const countByStream = (type: string) => {
    const counts = new Map<string, number>();
    for (const event of ours().filter((candidate) => candidate.type === type))
      counts.set(event.streamId, (counts.get(event.streamId) ?? 0) + 1);
    return counts;
  };

  beforeAll(async () => {
    double = await EsdbDouble.start({ batchAppend: true });
    store = new EsdbEventStore(double.url);
  });
  afterAll(async () => {
    for (const server of servers) await server.stop('SIGKILL');
    await store.close();
    await double.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('R7, R10: kill the holder mid-work and another instance finishes every follow-up exactly once', async () => {
    let idleCheckpoint = 0;
    const first = spawn();
    await first.waitForOutput('"ready: ', 60_000);
    expect(pidOf(lease()?.holder)).toBe(first.child.pid);
    const others = [spawn(), spawn()];
    for (const other of others) await other.waitForOutput('"ready: ', 60_000);
    expect(pidOf(lease()?.holder)).toBe(first.child.pid);

    // What crashed commands leave: acceptances recorded, their follow-ups not run. The holder's
    // reactor picks them up as they arrive; it is killed as soon as it has done a few.
    const aggregates = new AggregateStore(store, systemClock);
    let relationshipsAtKill = -1;
    let lastAcceptance = 0;
    for (let index = 0; index < ACCEPTANCES; index++) {
      const accepted = await acceptWithoutFollowUps(
        aggregates,
        partner(index % 3),
        customer(index),
        randomUUID(),
      );
      lastAcceptance = accepted.position;
      if (relationshipsAtKill < 0 && countByStream('RelationshipEstablished').size >= 3) {
        await first.stop('SIGKILL');
        relationshipsAtKill = countByStream('RelationshipEstablished').size;
      }
    }
    if (relationshipsAtKill < 0) {
      await first.stop('SIGKILL');
      relationshipsAtKill = countByStream('RelationshipEstablished').size;
    }
    expect(relationshipsAtKill).toBeLessThan(ACCEPTANCES);

    await until(
      () =>
        countByStream('RelationshipEstablished').size === ACCEPTANCES &&
        countByStream('DelegatedAdminGranted').size === ACCEPTANCES,
      60_000,
      'every follow-up',
    );
    await sleep(TTL_MS); // anything still running would land now
    for (const type of ['RelationshipEstablished', 'DelegatedAdminGranted']) {
      const counts = countByStream(type);
      expect(counts.size).toBe(ACCEPTANCES);
      expect([...counts.values()].every((count) => count === 1)).toBe(true);
    }
    const holder = pidOf(lease()?.holder);
    expect(others.map((other) => other.child.pid)).toContain(holder);
    const took = others.find((other) => other.child.pid === holder)!;
    expect(took.stdout()).toContain('lease policies taken by');
    // The instance that did not take the lease ran no follow-up of these acceptances.
    const idle = others.find((other) => other !== took)!;
    expect(idle.stdout()).not.toContain('lease policies taken by');

    // The Operator asking the idle instance sees how far the holder got, not a checkpoint of its own
    // that never moves.
    const operator = await mintToken(TEST_SECRET, people.opal);
    const idleUrl = await idle.url();
    await until(
      () => idleCheckpoint >= lastAcceptance,
      15_000,
      "the holder's checkpoint on the idle instance",
      async () => {
        const response = await fetch(`${idleUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}` },
          body: JSON.stringify({ query: '{ followUpStatus { checkpoint } }' }),
        });
        const body = (await response.json()) as {
          data: { followUpStatus: { checkpoint: number } };
        };
        idleCheckpoint = body.data.followUpStatus.checkpoint;
      },
    );
  }, 240_000);
});
