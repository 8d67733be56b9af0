import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type IntegrityChange,
  IntegrityChecks,
} from '../../../src/platform/health/integrity-checks';

describe('integrity checks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'integrity-'));
  const sound = join(dir, 'sound.db');
  const damaged = join(dir, 'damaged.db');

  beforeAll(() => {
    const db = new Database(sound);
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1);');
    db.close();
    writeFileSync(damaged, Buffer.alloc(8192, 7));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('check on a worker thread: the caller goes on while each file is read, then sees the verdict', async () => {
    const checks = new IntegrityChecks([sound, damaged, join(dir, 'absent.db')]);
    let turned = false;
    setImmediate(() => (turned = true));
    const checking = checks.run();
    expect(checks.current).toEqual([]);
    const failures = await checking;
    expect(turned).toBe(true);
    expect(failures).toEqual([
      { file: 'damaged.db', path: damaged, detail: expect.stringMatching(/not a database/) },
    ]);
    expect(checks.current).toBe(failures);
  });

  it('a check asked for while one runs joins it instead of starting another', async () => {
    const checks = new IntegrityChecks([sound]);
    const first = checks.run();
    expect(checks.run()).toBe(first);
    await first;
    expect(checks.run()).not.toBe(first);
  });

  // CLI probe: a damaged events.db showed only in readiness, to an Operator; no log line named it.
  it('tells what a check found damaged that the one before did not, once, and what it found mended', async () => {
    const file = join(dir, 'changing.db');
    writeFileSync(file, Buffer.alloc(8192, 7));
    const changes: IntegrityChange[] = [];
    const checks = new IntegrityChecks([sound, file], undefined, (change) => changes.push(change));

    await checks.run();
    await checks.run();
    rmSync(file);
    await checks.run();

    expect(changes).toEqual([
      {
        damaged: [
          { file: 'changing.db', path: file, detail: expect.stringMatching(/not a database/) },
        ],
        mended: [],
      },
      { damaged: [], mended: [file] },
    ]);
  });

  it('a worker that cannot start leaves the last verdict standing and says why', async () => {
    const told: string[] = [];
    const checks = new IntegrityChecks([damaged], (error) => told.push(error.message));
    await checks.run();
    // A list the structured clone cannot carry makes the worker fail before it checks anything.
    (checks as unknown as { files: unknown }).files = [() => undefined];
    expect(await checks.run()).toEqual([
      { file: 'damaged.db', path: damaged, detail: expect.any(String) },
    ]);
    expect(told).toHaveLength(1);
  });
});
