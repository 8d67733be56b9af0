import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DomainEvent } from '../../../src/events';
import { DomainError } from '../../../src/platform/domain/domain-error';
import { streamIds } from '../../../src/platform/domain/streams';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { Policies } from '../../../src/platform/policies/policies';
import type { Policy } from '../../../src/platform/policies/policy';
import { PolicyReactor } from '../../../src/platform/policies/policy.reactor';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { AggregateStore, StreamContended } from '../../../src/platform/write/aggregate-store';
import { ManualClock } from '../../support/app';
import { customerGlobalAdmin, partnerUser } from '../../support/given';
import { policiesOver } from '../../support/policies';
import { acceptWithoutFollowUps } from '../../support/story';

const ann = partnerUser(['AdminAgent'], { tenantId: 'contoso-partners' });
const fay = customerGlobalAdmin({ tenantId: 'fabrikam' });
const relationshipStream = streamIds.relationship('contoso-partners', 'fabrikam');

/** A policy on InvitationAccepted that counts its runs and does what `outcome` says. */
function countingPolicy(outcome: (run: number) => Promise<number>) {
  const policy = {
    runs: 0,
    reactsTo: ['InvitationAccepted'] as const,
    react: (_event: DomainEvent) => outcome(++policy.runs),
  };
  return policy satisfies Policy;
}

describe('PolicyReactor: every room’s follow-ups, from a checkpoint in the read store', () => {
  let dataDir: string;
  let store: SqliteEventStore;
  let readStore: ReadStore;
  let aggregates: AggregateStore;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'reactor-'));
    store = new SqliteEventStore(join(dataDir, 'events.db'));
    readStore = new ReadStore(join(dataDir, 'read-models.db'));
    aggregates = new AggregateStore(store, new ManualClock());
  });

  afterEach(async () => {
    readStore.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const accept = () => acceptWithoutFollowUps(aggregates, ann, fay);
  const acceptedEvent = async (trigger: { id: string; position: number }) => {
    const [event] = await store.readAll({ after: trigger.position - 1, maxCount: 1 });
    return {
      eventIds: [trigger.id],
      events: [event as unknown as DomainEvent],
      position: trigger.position,
    };
  };

  async function runReactor(policies: Policies) {
    const reactor = new PolicyReactor(store, readStore, policies);
    await reactor.start();
    await reactor.stop();
    return reactor;
  }

  it('R7: skips a trigger whose follow-ups the command ran successfully itself', async () => {
    const policy = countingPolicy(() => Promise.resolve(0));
    const policies = new Policies(() => [policy]);
    const trigger = await accept();
    await policies.runNow(await acceptedEvent(trigger), { actor: fay, correlationId: 'c' });
    await runReactor(policies);
    expect(policy.runs).toBe(1);
  });

  it('R7, R10: runs again a follow-up whose run in the command failed', async () => {
    const policy = countingPolicy((run) =>
      run === 1 ? Promise.reject(new Error('gave up after conflicts')) : Promise.resolve(0),
    );
    const policies = new Policies(() => [policy]);
    const trigger = await accept();
    await expect(
      policies.runNow(await acceptedEvent(trigger), { actor: fay, correlationId: 'c' }),
    ).rejects.toThrow('gave up');
    await runReactor(policies);
    expect(policy.runs).toBe(2);
  });

  it('R7, R10: the rooms’ policies establish the relationship and grant DAP of an acceptance a crash left alone', async () => {
    await accept();
    await runReactor(policiesOver(store, aggregates));
    expect((await store.readStream(relationshipStream)).map((event) => event.type)).toEqual([
      'RelationshipEstablished',
    ]);
    const dap = await store.readStream(streamIds.dapGrant('contoso-partners', 'fabrikam'));
    expect(dap.map((event) => event.type)).toEqual(['DelegatedAdminGranted']);
  });

  it('R7, R10: a follow-up whose appends fail for a while (store locked, disk full) completes once they succeed; the checkpoint never passes it', async () => {
    const trigger = await accept();
    let failures = 3;
    const append = store.append.bind(store);
    store.append = (...args) =>
      failures-- > 0
        ? Promise.reject(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }))
        : append(...args);
    const reactor = new PolicyReactor(store, readStore, policiesOver(store, aggregates));
    const started = reactor.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reactor.status()).toMatchObject({
      checkpoint: trigger.position - 1,
      retrying: { position: trigger.position, type: 'InvitationAccepted' },
    });
    await started;
    await reactor.stop();
    expect(failures).toBeLessThan(0);
    expect(reactor.status()).toMatchObject({
      checkpoint: await store.headPosition(),
      retrying: null,
    });
    expect((await store.readStream(relationshipStream)).map((event) => event.type)).toEqual([
      'RelationshipEstablished',
    ]);
  });

  it('a follow-up a rule refuses is counted, shown and passed', async () => {
    const trigger = await accept();
    const policy = countingPolicy(() =>
      Promise.reject(new DomainError('PRECONDITION_FAILED', 'nothing to do', 'R9')),
    );
    const reactor = await runReactor(new Policies(() => [policy]));
    expect(reactor.status()).toMatchObject({
      checkpoint: await store.headPosition(),
      refused: 1,
      lastRefusal: { position: trigger.position, type: 'InvitationAccepted' },
    });
  });

  it('R70: a follow-up that lost its stream to others on every attempt is retried until it is done, not passed as refused', async () => {
    await accept();
    const policy = countingPolicy((run) =>
      run <= 2 ? Promise.reject(new StreamContended('gdap-contoso-partners')) : Promise.resolve(0),
    );
    const reactor = await runReactor(new Policies(() => [policy]));
    expect(policy.runs).toBe(3);
    expect(reactor.status()).toMatchObject({
      checkpoint: await store.headPosition(),
      refused: 0,
      lastRefusal: null,
    });
  });

  it('keeps its checkpoint in the read store, beside the projections’, when it stops', async () => {
    await accept();
    await runReactor(policiesOver(store, aggregates));
    expect(
      readStore.get<{ position: number }>(
        "SELECT position FROM policy_checkpoints WHERE name = 'policies'",
      )?.position,
    ).toBe(await store.headPosition());
  });
});
