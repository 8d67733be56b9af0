import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SOURCE_LOADER } from '../../src/platform/common/worker-file';
import { nowMs } from './stats';

const ROOT = join(__dirname, '../..');
export const BENCH_SECRET = 'bench-secret-not-for-production-0123456789';

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Milliseconds from spawn until /health/ready answered 200 (every read model caught up). */
  readyMs: number;
  /** Peak resident set size so far (VmHWM), in MB. */
  peakRssMb(): number;
  /** SIGTERM, or SIGKILL (a crash); resolves when the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Spawns a TypeScript entry point the way `npm start` runs the server (`node -r
 * src/platform/common/source-loader.js`), in `dataDir` as its working directory so nothing is
 * written into the checkout, and waits until `GET /health/ready` says it is ready.
 */
export async function startProcess(
  entry: string,
  dataDir: string,
  env: Record<string, string> = {},
  timeoutMs = 600_000,
): Promise<ServerProcess> {
  const port = await freePort();
  const started = nowMs();
  const child = spawn(process.execPath, ['-r', SOURCE_LOADER, join(ROOT, entry)], {
    cwd: dataDir,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      AUTH_SECRET: BENCH_SECRET,
      LOG_LEVEL: 'warn',
      // The load generator is one caller: the figures measure the server, not its rate limit.
      RATE_LIMIT_PER_MINUTE: '0',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const peakRssMb = () => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    } catch {
      return 0;
    }
  };
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${entry} exited before it was ready:\n${stderr}`);
    }
    if (nowMs() - started > timeoutMs) {
      await stop('SIGKILL');
      throw new Error(`${entry} was not ready within ${timeoutMs} ms:\n${stderr}`);
    }
    if (await isReady(url)) break;
    await sleep(10);
  }
  return { url, child, readyMs: nowMs() - started, peakRssMb, stop };
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health/ready`);
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** The product's server. */
export const startServer = (dataDir: string, env?: Record<string, string>) =>
  startProcess('src/main.ts', dataDir, env);

/** The limit's server: opens the same file, optionally replays it, answers /health. */
export const startBareServer = (dataDir: string, env?: Record<string, string>) =>
  startProcess('bench/lib/bare-server.ts', dataDir, env);
