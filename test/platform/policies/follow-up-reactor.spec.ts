import type { CommandBus } from '@nestjs/cqrs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AggregateStore } from '../../../src/platform/write/aggregate-store';
import { FollowUpReactor } from '../../../src/platform/policies/follow-up.reactor';
import { FollowUps } from '../../../src/invitations/follow-ups';
import { Revocations } from '../../../src/platform/write/revocations';
import { loadSettings } from '../../../src/platform/config/settings';
import { DomainError } from '../../../src/platform/domain/domain-error';
import { streamIds } from '../../../src/platform/domain/streams';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { ManualClock } from '../../support/app';
import { customerGlobalAdmin, partnerUser } from '../../support/given';
import { acceptWithoutFollowUps } from '../../support/story';

const ann = partnerUser(['AdminAgent'], { tenantId: 'contoso-partners' });
const fay = customerGlobalAdmin({ tenantId: 'fabrikam' });
const relationshipStream = streamIds.relationship('contoso-partners', 'fabrikam');
/** These stories fence nothing, so the reactor never resumes a revocation through the bus. */
const noRevocationsToResume = {
  execute: () => Promise.reject(new Error('no revocation was expected')),
} as unknown as CommandBus;

describe('FollowUpReactor and the follow-ups a command ran itself', () => {
  let dataDir: string;
  let store: SqliteEventStore;
  let aggregates: AggregateStore;
  let followUps: FollowUps;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'reactor-'));
    store = new SqliteEventStore(join(dataDir, 'events.db'));
    aggregates = new AggregateStore(store, new ManualClock());
    followUps = new FollowUps(aggregates);
  });

  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const accept = () => acceptWithoutFollowUps(aggregates, ann, fay);

  async function runReactor() {
    const reactor = new FollowUpReactor(
      store,
      followUps,
      noRevocationsToResume,
      new Revocations(aggregates),
      loadSettings({ DATA_DIR: dataDir }),
    );
    await reactor.start();
    await reactor.stop();
  }

  it('R7: skips a trigger whose follow-up the command ran successfully itself', async () => {
    const trigger = await accept();
    // A follow-up that reports success without appending: the reactor must trust it, not redo it.
    await followUps.runInline(trigger, () => Promise.resolve(0));
    await runReactor();
    expect(await store.readStream(relationshipStream)).toEqual([]);
  });

  it('R7, R10: re-runs a follow-up whose run in the command failed', async () => {
    const trigger = await accept();
    await expect(
      followUps.runInline(trigger, () => Promise.reject(new Error('gave up after conflicts'))),
    ).rejects.toThrow('gave up');
    await runReactor();
    expect((await store.readStream(relationshipStream)).map((event) => event.type)).toEqual([
      'RelationshipEstablished',
    ]);
    const dap = await store.readStream(streamIds.dapGrant('contoso-partners', 'fabrikam'));
    expect(dap.map((event) => event.type)).toEqual(['DelegatedAdminGranted']);
  });

  it('R7, R10: a follow-up whose appends fail for a while (store locked, disk full) completes once they succeed; the checkpoint never passes it', async () => {
    const trigger = await accept();
    await expect(
      followUps.runInline(trigger, () => Promise.reject(new Error('the server died first'))),
    ).rejects.toThrow('died');
    let failures = 3;
    const append = store.append.bind(store);
    store.append = (...args) =>
      failures-- > 0
        ? Promise.reject(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }))
        : append(...args);
    const reactor = new FollowUpReactor(
      store,
      followUps,
      noRevocationsToResume,
      new Revocations(aggregates),
      loadSettings({ DATA_DIR: dataDir }),
    );
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
    await expect(
      followUps.runInline(trigger, () => Promise.reject(new Error('the server died first'))),
    ).rejects.toThrow('died');
    const react = followUps.react.bind(followUps);
    jest
      .spyOn(followUps, 'react')
      .mockImplementation((event) =>
        event.type === 'InvitationAccepted'
          ? Promise.reject(new DomainError('PRECONDITION_FAILED', 'nothing to do', 'R9'))
          : react(event),
      );
    const reactor = new FollowUpReactor(
      store,
      followUps,
      noRevocationsToResume,
      new Revocations(aggregates),
      loadSettings({ DATA_DIR: dataDir }),
    );
    await reactor.start();
    await reactor.stop();
    expect(reactor.status()).toMatchObject({
      checkpoint: await store.headPosition(),
      refused: 1,
      lastRefusal: { position: trigger.position, type: 'InvitationAccepted' },
    });
  });

  it('keeps its checkpoint in DATA_DIR when it stops', async () => {
    await accept();
    await runReactor();
    expect(Number(readFileSync(join(dataDir, 'follow-ups.checkpoint'), 'utf8'))).toBe(
      await store.headPosition(),
    );
  });
});
