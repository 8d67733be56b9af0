import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeDataDir } from '../../support/app';
import { spawnServer } from '../../support/server-process';

describe('the server process logs JSON only', () => {
  it('the projection worker logs JSON lines through pino, marked as its own, even on EventStoreDB', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-logs-'));
    // Nothing listens on port 9: the worker's EventStoreDB client retries and says so.
    const server = spawnServer(dataDir, { EVENTSTORE_URL: 'esdb://127.0.0.1:9?tls=false' });
    try {
      await server.waitForOutput('"thread":"projection-worker"', 20_000);
    } finally {
      await server.stop('SIGKILL');
      removeDataDir(dataDir);
    }
    const stdout = server.stdout();
    const complete = stdout.slice(0, stdout.lastIndexOf('\n'));
    const lines = complete.split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(stdout).not.toContain('\u001b[');
    expect(lines).toContainEqual(
      expect.objectContaining({
        thread: 'projection-worker',
        context: 'EventStoreDB',
        level: 40,
        msg: expect.stringContaining('retry'),
      }),
    );
  });
});
