import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeDataDir, TEST_SECRET } from '../support/app';

const ROOT = join(__dirname, '../..');

describe('the server process logs JSON only', () => {
  it('the projection worker logs JSON lines through pino, marked as its own, even on EventStoreDB', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-logs-'));
    // Nothing listens on port 9: the worker's EventStoreDB client retries and says so.
    const child = spawn(
      process.execPath,
      ['-r', require.resolve('@swc-node/register'), join(ROOT, 'src/main.ts')],
      {
        cwd: dataDir,
        env: {
          ...process.env,
          SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
          DATA_DIR: dataDir,
          PORT: '0',
          HOST: '127.0.0.1',
          AUTH_SECRET: TEST_SECRET,
          LOG_LEVEL: 'info',
          EVENTSTORE_URL: 'esdb://127.0.0.1:9?tls=false',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no worker line:\n${stdout}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('"thread":"projection-worker"')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', () => reject(new Error(`exited:\n${stdout}`)));
      });
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      removeDataDir(dataDir);
    }
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
