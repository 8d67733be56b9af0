import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { removeDataDir } from '../../support/app';
import { spawnServer } from '../../support/server-process';
import { markWrittenByNewerVersion } from '../../support/events';
import { writeStory } from '../../support/story';

// CLI probe: the server wrote Node's "(node:PID) [PARTNER_LEDGER_UNREADABLE_EVENT] Warning: …"
// text on stderr beside its JSON log, where a log reader cannot parse it.
describe('process warnings of a running server', () => {
  it.each(['worker', 'main'])(
    'an event it cannot read is warned about as a JSON log line, with the projections in the %s thread',
    async (thread) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-warnings-'));
      try {
        const store = new SqliteEventStore(join(dataDir, 'events.db'));
        await writeStory(store, 2);
        await store.close();
        markWrittenByNewerVersion(join(dataDir, 'events.db'), 'InvitationAccepted');

        const server = spawnServer(dataDir, { LOG_LEVEL: 'info', PROJECTION_THREAD: thread });
        try {
          await server.waitForOutput('skipping InvitationAccepted (schema version 99');
        } finally {
          await server.stop();
        }
        const warned = server
          .stdout()
          .split('\n')
          .filter((line) => line.includes('skipping InvitationAccepted'))
          .map((line) => JSON.parse(line) as { level: number; context: string });
        expect(warned.length).toBeGreaterThan(0);
        for (const line of warned) expect(line).toMatchObject({ level: 40, context: 'Process' });
        expect(server.stderr()).not.toContain('(node:');
      } finally {
        removeDataDir(dataDir);
      }
    },
    60_000,
  );
});
