import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenClaims } from '../../src/platform/auth/token-claims';
import { backupDataDir } from '../../src/platform/backup/backup';
import { PROJECTOR, type Projector } from '../../src/platform/projection-engine/projector';
import { EsdbEventStore } from '../../src/platform/event-store/esdb/esdb-event-store';
import { removeDataDir, startApp, type TestApp } from '../support/app';
import { EsdbDouble } from '../support/esdb-double/esdb-double';
import { writeStory } from '../support/story';

const CUSTOMERS =
  '{ customers(first: 500) { totalCount nodes { tenantId delegatedAdmin { status } } } }';
const partnerZero: TokenClaims = {
  sub: 'agent-0',
  name: 'Agent 0',
  tid: 'partner-0',
  tenant_kind: 'partner',
  tenant_name: 'Partner 0',
  roles: ['AdminAgent'],
};

/**
 * Resolves once the double has sent no event for half a second: after its read models reach the
 * head, a running instance still reads for a moment (about 650 events here, over 0.3 to 0.7 s on a
 * busy machine), and those reads must not be counted as the next instance's.
 */
async function settled(double: EsdbDouble): Promise<void> {
  const deadline = Date.now() + 20_000;
  let quietSince = Date.now();
  let sent = double.sent.allEvents;
  while (Date.now() - quietSince < 500 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (double.sent.allEvents !== sent) {
      sent = double.sent.allEvents;
      quietSince = Date.now();
    }
  }
}

describe('a new instance started from a copy of another instance\u2019s read models (EventStoreDB double)', () => {
  let double: EsdbDouble;
  let store: EsdbEventStore;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    double = await EsdbDouble.start({ batchAppend: true });
    store = new EsdbEventStore(double.url);
  });
  afterAll(async () => {
    for (const app of apps) {
      await app.close();
      removeDataDir(app.dataDir);
    }
    await store.close();
    await double.stop();
  });

  it('R7, R10: catches up only the tail and serves what an instance replaying everything serves', async () => {
    // Each instance's audit sealer reads back to the last seal whatever its read models hold:
    // frequent seals keep that scan short, so what is counted below is the read models' catch-up.
    const env = { EVENTSTORE_URL: double.url, AUDIT_SEAL_EVERY_EVENTS: '100' };
    await writeStory(store, 600, 3);
    const running = await startApp({ env });
    apps.push(running);
    const copy = mkdtempSync(join(tmpdir(), 'partner-ledger-copy-'));
    await backupDataDir(running.settings, copy);

    const eventsInCopy = double.log.all().length;
    await writeStory(store, 6, 3, 600);
    const tail = double.log.all().length - eventsInCopy;
    await running.app.get<Projector>(PROJECTOR).waitFor(await store.headPosition(), 10_000);
    await settled(double); // the running instance's own reads (its sealer's scan) are over

    let sent = double.sent.allEvents;
    const fromCopy = await startApp({ dataDir: copy, env });
    apps.push(fromCopy);
    const sentToCopy = double.sent.allEvents - sent;

    sent = double.sent.allEvents;
    const fromEmpty = await startApp({ env });
    apps.push(fromEmpty);
    const sentToEmpty = double.sent.allEvents - sent;

    // The instance from the copy read the tail (and the few events each start-up reads to find
    // the head), not the whole store; the one from an empty read store read all of it.
    expect(sentToEmpty).toBeGreaterThanOrEqual(eventsInCopy + tail);
    expect(sentToCopy).toBeLessThan((eventsInCopy + tail) / 4);

    const token = await fromCopy.token(partnerZero);
    const page = await fromCopy.gql(token, CUSTOMERS);
    expect(page.errors).toBeUndefined();
    expect(page.data.customers.nodes.map((node: { tenantId: string }) => node.tenantId)).toEqual(
      expect.arrayContaining(['customer-600', 'customer-603']),
    );
    expect(page).toEqual(await fromEmpty.gql(token, CUSTOMERS));
  }, 180_000);
});
