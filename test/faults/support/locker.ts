import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

// Another process holding SQLite's write lock on `file` until it is killed.
const SCRIPT = `
const Database = require('better-sqlite3');
const db = new Database(process.env.FILE);
db.pragma('busy_timeout = 10000');
db.prepare('BEGIN IMMEDIATE').run();
process.stdout.write('locked\\n');
setInterval(() => {}, 1000);
`;

export interface Locker {
  release(): Promise<void>;
}

/** Resolves once another process holds the write lock on `file`. */
export async function lockFromAnotherProcess(file: string): Promise<Locker> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SCRIPT], {
    env: { ...process.env, FILE: file },
    cwd: __dirname,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the locker exited (${code})`)));
  });
  return {
    async release() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
