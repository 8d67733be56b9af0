import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { thisProcessKey } from '../../../src/platform/common/process-identity';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { UnjournaledReplay } from '../../../src/platform/read-store/unjournaled-replay';

/** The pid of a process that has exited. */
const goneProcess = (): number => spawnSync(process.execPath, ['-e', '']).pid;

/** Another process, running; holding the replay's lock on `lockFile` when one is given. */
async function otherProcess(lockFile?: string): Promise<ChildProcess> {
  const lock = lockFile
    ? `const db = new (require(${JSON.stringify(require.resolve('better-sqlite3'))}))(${JSON.stringify(lockFile)}); db.exec('BEGIN EXCLUSIVE');`
    : '';
  const child = spawn(process.execPath, [
    '-e',
    `${lock} console.log('ready'); setTimeout(() => {}, 60000)`,
  ]);
  await once(child.stdout, 'data');
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
}

describe('issue 17: a replay without a journal, and the file a killed one leaves', () => {
  let dir: string;
  let file: string;
  const marker = () => `${file}.unjournaled`;
  const lock = () => `${file}.unjournaled-lock`;
  const opened: ReadStore[] = [];
  const open = () => {
    const store = new ReadStore(file);
    opened.push(store);
    return store;
  };
  const withRows = () => {
    const store = open();
    store.run('CREATE TABLE customers (id TEXT PRIMARY KEY)');
    store.run("INSERT INTO customers (id) VALUES ('c')");
    store.run('CREATE TABLE policy_checkpoints (name TEXT PRIMARY KEY, position INTEGER)');
    store.run("INSERT INTO policy_checkpoints VALUES ('policies', 7)");
    return store;
  };
  const markerOf = (pid: number, writtenBy?: string, rows = [{ name: 'policies', position: 7 }]) =>
    JSON.stringify({
      pid,
      process: writtenBy,
      kept: [
        {
          name: 'policy_checkpoints',
          sql: 'CREATE TABLE policy_checkpoints (name TEXT PRIMARY KEY, position INTEGER)',
          rows,
        },
      ],
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'unjournaled-'));
    file = join(dir, 'read-models.db');
  });
  afterEach(() => {
    opened.splice(0).forEach((store) => store.close());
    rmSync(dir, { recursive: true, force: true });
  });

  it('a marker of a process that is gone: the file is deleted and made again with the tables kept', () => {
    withRows().close();
    writeFileSync(marker(), markerOf(goneProcess()));

    const reopened = open();

    expect(reopened.recovered).toContain(
      'whose replay stopped (its lock was free): deleted (kept policy_checkpoints)',
    );
    expect(reopened.all("SELECT name FROM sqlite_master WHERE type = 'table'")).toEqual([
      { name: 'policy_checkpoints' },
    ]);
    expect(reopened.all('SELECT * FROM policy_checkpoints')).toEqual([
      { name: 'policies', position: 7 },
    ]);
    expect(existsSync(marker())).toBe(false);
  });

  it('a marker of this process (its own replay under way): the file is left as it is', () => {
    withRows().close();
    writeFileSync(marker(), markerOf(process.pid, thisProcessKey()));

    const reopened = open();

    expect(reopened.recovered).toBeUndefined();
    expect(reopened.all('SELECT id FROM customers')).toEqual([{ id: 'c' }]);
    expect(existsSync(marker())).toBe(true);
  });

  it('a marker of another process that holds the replay lock: the open is refused, naming it, and the file is left as it is', async () => {
    withRows().close();
    const replaying = await otherProcess(lock());
    try {
      writeFileSync(marker(), markerOf(replaying.pid!, 'its own'));

      expect(open).toThrow(
        `is being replayed without a journal by process ${replaying.pid} (projections rebuild --in-place): wait until it is done`,
      );
      expect(existsSync(marker())).toBe(true);
    } finally {
      await stop(replaying);
    }
    expect(open().recovered).toContain(`by process ${replaying.pid}, whose replay stopped`);
  });

  // Before, a PID decided: a restarted container's server, PID 1 again, took a torn file for its
  // own replay's, and a PID reused by another program refused every open.
  it('a marker whose PID is reused (this process, or another that runs) but whose lock is free: recovered', async () => {
    const running = await otherProcess();
    try {
      for (const pid of [process.pid, running.pid!]) {
        withRows().close();
        writeFileSync(marker(), markerOf(pid, 'a process before a restart'));

        const reopened = open();

        expect(reopened.recovered).toContain(
          `by process ${pid}, whose replay stopped (its lock was free): deleted`,
        );
        expect(reopened.all('SELECT * FROM policy_checkpoints')).toEqual([
          { name: 'policies', position: 7 },
        ]);
        reopened.run('DROP TABLE policy_checkpoints');
        reopened.close();
      }
    } finally {
      await stop(running);
    }
  });

  it('a marker of a process that is gone while another connection has the file open: never deleted under it', () => {
    const holder = withRows();
    writeFileSync(marker(), markerOf(goneProcess()));

    const reopened = open();

    expect(reopened.recovered).toBeUndefined();
    expect(holder.all('SELECT id FROM customers')).toEqual([{ id: 'c' }]);
    expect(existsSync(marker())).toBe(true);
  });

  it('a marker that is not one (not JSON, or no pid): the file is left as it is', () => {
    for (const text of ['{"pid":', '{"kept":[]}']) {
      withRows().close();
      writeFileSync(marker(), text);

      const reopened = open();

      expect(reopened.recovered).toBeUndefined();
      expect(reopened.all('SELECT id FROM customers')).toEqual([{ id: 'c' }]);
      reopened.run('DROP TABLE customers');
      reopened.run('DROP TABLE policy_checkpoints');
    }
  });

  it('enters only with the file to itself, and only when what it keeps fits a marker', () => {
    const store = withRows();
    const other = open();
    expect(UnjournaledReplay.enter(store, (table) => table === 'customers')).toBeUndefined();
    expect(existsSync(marker())).toBe(false);
    other.close();

    store.run(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
       INSERT INTO policy_checkpoints SELECT 'p' || i, i FROM n`,
    );
    expect(UnjournaledReplay.enter(store, (table) => table === 'customers')).toBeUndefined();
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');

    store.run("DELETE FROM policy_checkpoints WHERE name <> 'policies'");
    const entered = UnjournaledReplay.enter(store, (table) => table === 'customers');
    expect(entered).toBeDefined();
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('memory');
    expect(JSON.parse(readFileSync(marker(), 'utf8'))).toEqual(
      JSON.parse(markerOf(process.pid, thisProcessKey())),
    );
    entered!.leave();
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(existsSync(marker())).toBe(false);
  });

  it('does not enter while another process holds the lock (recovering the file), and clears staged markers a kill left', async () => {
    const store = withRows();
    const recovering = await otherProcess(lock());
    try {
      expect(UnjournaledReplay.enter(store, (table) => table === 'customers')).toBeUndefined();
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      await stop(recovering);
    }
    writeFileSync(`${marker()}.12345`, '{"pid":');

    UnjournaledReplay.enter(store, (table) => table === 'customers')!.leave();

    expect(existsSync(`${marker()}.12345`)).toBe(false);
    expect(existsSync(marker())).toBe(false);
  });

  it('gives its lock back when entering fails midway, so the next replay can enter', () => {
    const store = withRows();
    const failing = () => {
      throw new Error('a table the replay cannot judge');
    };

    expect(() => UnjournaledReplay.enter(store, failing)).toThrow(
      'a table the replay cannot judge',
    );

    const entered = UnjournaledReplay.enter(store, (table) => table === 'customers');
    expect(entered).toBeDefined();
    entered!.leave();
  });
});
