import { execFileSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './support/eventually';
import { FaultServer, isUnavailable } from './support/fault-server';

/** A 48 MB tmpfs to fill, where the machine lets us mount one (as root); else undefined. */
function smallFileSystem(): string | undefined {
  const mountPoint = mkdtempSync(join(tmpdir(), 'faults-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mountPoint], {
      stdio: 'pipe',
    });
    return mountPoint;
  } catch (error) {
    rmSync(mountPoint, { recursive: true, force: true });
    console.warn(
      `SKIPPED the disk-full fault case: cannot mount a small tmpfs here (needs root): ${(error as Error).message}`,
    );
    return undefined;
  }
}

/** Writes until the file system refuses (ENOSPC); the file to remove to free the space. */
function fill(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  try {
    for (const size of [1 << 20, 4096, 512]) {
      const chunk = Buffer.alloc(size, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
  return file;
}

const mountPoint = smallFileSystem();
const maybe = mountPoint ? describe : describe.skip;

maybe('faults: the disk holding DATA_DIR fills up', () => {
  const dataDir = join(mountPoint ?? '/nonexistent', 'data');
  let server: FaultServer;

  beforeAll(async () => {
    mkdirSync(dataDir);
    server = new FaultServer(dataDir, { DISK_FREE_MIN_BYTES: String(4 << 20) });
    await eventually(async () => (await server.ready()).status === 200, 30_000, 'readiness');
  }, 40_000);

  afterAll(async () => {
    await server?.stop();
    execFileSync('umount', [mountPoint!]);
    rmSync(mountPoint!, { recursive: true, force: true });
  });

  it('refuses writes with UNAVAILABLE (DISK_FULL), keeps serving reads, is not ready, and recovers once space is freed', async () => {
    const recorded: string[] = [];
    for (let n = 0; n < 3; n++) recorded.push((await server.invite()).id!);

    const filler = fill(mountPoint!);
    const notReady = await server.ready();
    expect(notReady.status).toBe(503);
    expect(notReady.body.problems).toContainEqual(
      expect.objectContaining({ check: 'disk', cause: 'DISK_FULL' }),
    );
    expect(await server.metrics()).toMatch(
      /partner_ledger_fault\{check="disk",cause="DISK_FULL"\} 1/,
    );

    // Every answer is the truth: an id (recorded), NOT_READY saying it was recorded, or
    // UNAVAILABLE saying nothing was; no other answer, and the process stays up.
    let refusedForSpace = 0;
    for (let n = 0; n < 20; n++) {
      const { id, refusal } = await server.invite();
      if (id) recorded.push(id);
      else if (isUnavailable(refusal, 'DISK_FULL')) refusedForSpace += 1;
      else expect(refusal).toMatchObject({ code: 'NOT_READY', recorded: true });
    }
    expect(refusedForSpace).toBeGreaterThan(0);
    expect(server.alive).toBe(true);
    const served = await server.invitationIds();
    expect(served).toEqual(expect.arrayContaining(recorded.slice(0, 3)));

    unlinkSync(filler);
    await eventually(async () => (await server.ready()).status === 200, 20_000, 'readiness');
    const after = await server.invite();
    expect(after.id).toBeDefined();
    const ids = await server.invitationIds();
    expect(ids).toEqual(expect.arrayContaining([...recorded, after.id]));
    expect(server.alive).toBe(true);
  }, 60_000);
});
