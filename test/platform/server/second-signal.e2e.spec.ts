import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeDataDir } from '../../support/app';
import { spawnServer } from '../../support/server-process';

// CLI probe: a second Ctrl-C while the server drained ended it (130) without a word in its log.
describe('a second signal while the server stops', () => {
  it('exits at once with 128 + its number, logging what it leaves unanswered', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-second-signal-'));
    const server = spawnServer(dataDir, { LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '60000' });
    try {
      const { port } = new URL(await server.url());
      // An open connection keeps the drain waiting, as a slow client would.
      const idle = connect(Number(port), '127.0.0.1');
      await once(idle, 'connect');
      server.child.kill('SIGTERM');
      await server.waitForOutput('stopping on SIGTERM');
      server.child.kill('SIGINT');
      const [code] = (await once(server.child, 'exit')) as [number | null];
      idle.destroy();

      expect(code).toBe(130);
      const line = server
        .stdout()
        .split('\n')
        .find((text) => text.includes('SIGINT again while stopping'));
      expect(JSON.parse(line!)).toMatchObject({
        level: 40,
        context: 'Shutdown',
        msg: 'SIGINT again while stopping: exiting now, 0 request(s) unanswered on 1 connection(s)',
      });
    } finally {
      await server.stop();
      removeDataDir(dataDir);
    }
  }, 60_000);
});
