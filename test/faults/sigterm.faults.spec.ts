import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_SECRET } from '../support/app';
import { eventually } from './support/eventually';
import { FaultServer } from './support/fault-server';

const ROOT = join(__dirname, '../..');
const CLIENTS = 8;

describe('faults: SIGTERM while under load', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'faults-sigterm-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('answers every request it started, closes kept-alive connections with Connection: close, exits 0, and loses no acknowledged write', async () => {
    const server = new FaultServer(dataDir, { SHUTDOWN_TIMEOUT_MS: '20000', LOG_LEVEL: 'info' });
    await eventually(async () => (await server.ready()).status === 200, 30_000, 'readiness');
    const acknowledged: string[] = [];
    let recordedUnanswered = 0;
    const networkErrors: string[] = [];
    const closeHeaders: string[] = [];
    const url = await server.url();
    const token = await server.token('ann');
    let stopped = false;

    // Each client sends one request after the other on its kept-alive connection (fetch's pool).
    const client = async () => {
      while (!stopped) {
        try {
          const response = await fetch(`${url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({
              query: 'mutation { requestResellerRelationship(input: {}) { id } }',
            }),
          });
          if (response.headers.get('connection') === 'close') closeHeaders.push('close');
          const body = (await response.json()) as any;
          const id = body.data?.requestResellerRelationship?.id;
          if (id) acknowledged.push(id);
          else if (body.errors?.[0]?.extensions?.recorded === true) recordedUnanswered += 1;
        } catch (error) {
          networkErrors.push(String((error as { cause?: { code?: string } }).cause?.code));
          return;
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, client);
    await eventually(() => acknowledged.length >= 40, 30_000, '40 acknowledged writes');
    const exited = once(server.process.child, 'exit');
    server.process.child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    stopped = true;
    await Promise.all(clients);

    expect(code).toBe(0);
    expect(server.process.stdout()).toContain('stopping on SIGTERM');
    // Clients whose connections stayed open were told, with their answer, to reconnect.
    expect(closeHeaders.length).toBeGreaterThan(0);
    // A client either got its answer or could not connect at all (nothing sent, nothing
    // recorded): never a connection cut after its request was sent.
    expect(networkErrors.filter((error) => error !== 'ECONNREFUSED')).toEqual([]);

    const again = new FaultServer(dataDir);
    try {
      await eventually(async () => (await again.ready()).status === 200, 30_000, 'readiness');
      const stored = await again.invitationIds();
      expect(stored).toEqual(expect.arrayContaining(acknowledged));
      expect(stored).toHaveLength(acknowledged.length + recordedUnanswered);
    } finally {
      await again.stop();
    }
  }, 90_000);

  it('`npm start` passes SIGTERM on: the server stops, no orphan keeps serving', async () => {
    const npm = spawn('npm', ['start', '-s'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATA_DIR: join(dataDir, 'npm-start'),
        PORT: '0',
        HOST: '127.0.0.1',
        AUTH_SECRET: TEST_SECRET,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    npm.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = once(npm, 'exit');
    const port = await eventually(() => /listening on [^:]+:(\d+)/.exec(stdout)?.[1], 30_000);
    const live = await fetch(`http://127.0.0.1:${port}/health/live`);
    expect(live.status).toBe(200);
    npm.kill('SIGTERM');
    await exited;
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toMatchObject({
      cause: { code: 'ECONNREFUSED' },
    });
  }, 60_000);
});
