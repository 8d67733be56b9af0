import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AggregateStore } from '../../src/commands/aggregate-store';
import { FollowUpReactor } from '../../src/commands/follow-ups/follow-up.reactor';
import { FollowUps } from '../../src/commands/follow-ups/follow-ups';
import { loadSettings } from '../../src/config/settings';
import { streamIds } from '../../src/domain/shared/streams';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { ManualClock } from '../support/app';
import { customerGlobalAdmin, partnerUser } from '../support/given';
import { acceptWithoutFollowUps } from '../support/story';

const ann = partnerUser(['AdminAgent'], { tenantId: 'contoso-partners' });
const fay = customerGlobalAdmin({ tenantId: 'fabrikam' });
const relationshipStream = streamIds.relationship('contoso-partners', 'fabrikam');

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
    const reactor = new FollowUpReactor(store, followUps, loadSettings({ DATA_DIR: dataDir }));
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

  it('keeps its checkpoint in DATA_DIR when it stops', async () => {
    await accept();
    await runReactor();
    expect(Number(readFileSync(join(dataDir, 'follow-ups.checkpoint'), 'utf8'))).toBe(
      await store.headPosition(),
    );
  });
});
