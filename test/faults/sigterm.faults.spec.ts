import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { TEST_SECRET } from '../support/app';
import { eventually } from './support/eventually';
import { FaultServer, INVITE } from './support/fault-server';

const ROOT = join(__dirname, '../..');
const CLIENTS = 8;

interface Answer {
  connection?: string;
  body: any;
}

/** One GraphQL POST through `agent` (one kept-alive socket per client, reused until told to close). */
function post(agent: Agent, url: string, token: string, query: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${url}/graphql`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('error', reject);
        response.on('end', () => {
          try {
            resolve({ connection: response.headers.connection, body: JSON.parse(text) });
          } catch {
            reject(new Error(`not JSON (${response.statusCode}): ${text.slice(0, 200)}`));
          }
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(JSON.stringify({ query }));
  });
}

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

    // Each client sends one request after the other on its own kept-alive connection: a new
    // connection only once the server said close (so refused, never caught half-accepted by the
    // listener's close, which would reset it whatever the server does).
    const client = async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        while (!stopped) {
          const answer = await post(agent, url, token, INVITE);
          if (answer.connection === 'close') closeHeaders.push('close');
          const id = answer.body.data?.requestResellerRelationship?.id;
          if (id) acknowledged.push(id);
          else if (answer.body.errors?.[0]?.extensions?.recorded === true) recordedUnanswered += 1;
        }
      } catch (error) {
        networkErrors.push(String((error as NodeJS.ErrnoException).code));
      } finally {
        agent.destroy();
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

  it('SIGTERM tells each graphql-ws socket it is going away (1001) before the drain cuts the connections left', async () => {
    const server = new FaultServer(mkdtempSync(join(dataDir, 'sockets-')));
    try {
      await eventually(async () => (await server.ready()).status === 200, 30_000, 'readiness');
      const url = (await server.url()).replace('http', 'ws');
      const token = await server.token('ann');
      const codes = Array.from({ length: 3 }, async () => {
        const socket = new WebSocket(`${url}/graphql`, 'graphql-transport-ws');
        await once(socket, 'open');
        socket.send(
          JSON.stringify({
            type: 'connection_init',
            payload: { authorization: `Bearer ${token}` },
          }),
        );
        await once(socket, 'message');
        const [code] = (await once(socket, 'close')) as [number];
        return code;
      });
      await sleep(200);
      const exited = once(server.process.child, 'exit');
      server.process.child.kill('SIGTERM');
      const [exitCode] = (await exited) as [number | null];
      expect(exitCode).toBe(0);
      expect(await Promise.all(codes)).toEqual([1001, 1001, 1001]);
    } finally {
      if (server.alive) server.process.child.kill('SIGKILL');
    }
  }, 60_000);

  it('SIGTERM while the start still waits for its event store (EventStoreDB unreachable): exits 0 at once, starting nothing more', async () => {
    const server = new FaultServer(mkdtempSync(join(dataDir, 'unreachable-')), {
      EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false',
      SHUTDOWN_TIMEOUT_MS: '3000',
    });
    try {
      await server.url();
      expect((await server.ready()).status).toBe(503);
      const exited = once(server.process.child, 'exit').then(([code]) => code as number | null);
      server.process.child.kill('SIGTERM');
      // Its drain (SHUTDOWN_TIMEOUT_MS) and the projection worker's stop, not a catch-up that never ends.
      const outcome = await Promise.race([exited, sleep(15_000).then(() => 'still running')]);
      expect(outcome).toBe(0);
      const afterSignal = server.process.stdout().split('stopping on SIGTERM')[1] ?? '';
      expect(afterSignal).not.toContain('lease policies');
    } finally {
      if (server.alive) server.process.child.kill('SIGKILL');
    }
  }, 60_000);

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
