import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { TEST_SECRET } from './app';
import { SOURCE_LOADER } from '../../src/platform/common/worker-file';

const ROOT = join(__dirname, '../..');

export interface ServerProcess {
  child: ChildProcess;
  /** Everything written to stdout so far (the JSON logs). */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves once stdout holds `text`; fails after `ms`. */
  waitForOutput(text: string, ms?: number): Promise<void>;
  /** The base URL, once the server logged that it listens. */
  url(): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** How to start it: from the TypeScript sources (as `npm start`), or given node arguments in a directory. */
export interface ServerCommand {
  args: string[];
  cwd: string;
}

/**
 * The server as a process of its own, by default run from the TypeScript sources the way `npm
 * start` runs it with `dataDir` as its working directory; PORT 0 (the port it got is read from its
 * log).
 */
export function spawnServer(
  dataDir: string,
  env: Record<string, string> = {},
  command: ServerCommand = {
    args: ['-r', SOURCE_LOADER, join(ROOT, 'src/main.ts')],
    cwd: dataDir,
  },
): ServerProcess {
  const child = spawn(process.execPath, command.args, {
    cwd: command.cwd,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      AUTH_SECRET: TEST_SECRET,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit');
  const waitForOutput = async (text: string, ms = 30_000) => {
    for (const until = Date.now() + ms; !stdout.includes(text);) {
      if (child.exitCode !== null) throw new Error(`the server exited:\n${stdout}\n${stderr}`);
      if (Date.now() > until)
        throw new Error(`no "${text}" within ${ms} ms:\n${stdout}\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForOutput,
    async url() {
      await waitForOutput('listening on ');
      const port = /listening on [^:]+:(\d+)/.exec(stdout)![1];
      return `http://127.0.0.1:${port}`;
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
