import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECTIONS } from '../../src/capabilities';
import {
  type AuditVerification,
  verifyAudit,
  type VerifyOptions,
} from '../../src/audit/audit-verify';
import { newSeal, RangeHasher, SEAL_STREAM, type SealData } from '../../src/audit/seal';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { ProjectionEngine } from '../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../src/platform/read-store/read-store';
import { newMetadata } from '../support/events';
import { newSealKey, sealerOn, sealsIn } from '../support/seals';
import { writeStory } from '../support/story';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');
const KEY = newSealKey();

interface EventRow {
  position: number;
  type: string;
  stream_id: string;
}

/**
 * A store written through the real command handlers and sealed every 10 events as it grew, with a
 * few events after the last seal; each test tampers with a copy of its events.db, rebuilds every read model
 * from the altered file (as an attacker would, so the audit log agrees with the events again) and
 * runs verify.
 */
describe('audit verify: seals in the event store reveal tampering, even after a rebuild', () => {
  let base: string;
  let seals: (SealData & { position: number })[];
  let events: EventRow[];
  let unsealedTail: number;
  const copies: string[] = [];

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'seal-tampering-'));
    const store = new SqliteEventStore(join(base, 'events.db'));
    // Sealed as the story goes, so that seals are sealed by the seals after them.
    const { sealer } = sealerOn(store, KEY, { everyEvents: 10 });
    for (let round = 0; round < 8; round++) {
      await writeStory(store, 2, 3, round * 2);
      await sealer.sealDue();
    }
    await writeStory(store, 1, 3, 16);
    seals = await sealsIn(store);
    await store.close();
    const db = new Database(join(base, 'events.db'), { readonly: true });
    events = db
      .prepare('SELECT position, type, stream_id FROM events ORDER BY position')
      .all() as EventRow[];
    db.close();
    unsealedTail = events.filter(
      (event) =>
        event.position > seals[seals.length - 1].through && event.stream_id !== SEAL_STREAM,
    ).length;
  });

  afterAll(() => {
    [base, ...copies].forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  });

  /** A copy of the sealed store, tampered with by `tamper`, its read models rebuilt from it. */
  async function tampered(tamper: (db: Database.Database) => void = () => {}): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'seal-tampered-'));
    copies.push(dir);
    copyFileSync(join(base, 'events.db'), join(dir, 'events.db'));
    const db = new Database(join(dir, 'events.db'));
    tamper(db);
    db.close();
    const store = new SqliteEventStore(join(dir, 'events.db'));
    const reads = new ReadStore(join(dir, 'read-models.db'));
    try {
      await new ProjectionEngine(store, reads, PROJECTIONS).rebuild();
    } finally {
      reads.close();
      await store.close();
    }
    return dir;
  }

  async function verify(
    dir: string,
    options: VerifyOptions = { key: KEY },
  ): Promise<AuditVerification> {
    const store = new SqliteEventStore(join(dir, 'events.db'));
    const reads = new ReadStore(join(dir, 'read-models.db'));
    try {
      return await verifyAudit(store, reads, options);
    } finally {
      reads.close();
      await store.close();
    }
  }

  /** The seal whose range holds `position`. */
  const coveringSeal = (position: number) =>
    seals.find((seal) => seal.from < position && position <= seal.through);

  /** A sealed event of the story (not a seal) inside seal #n's range. */
  const sealedEvent = (sequence: number, type?: string): EventRow => {
    const { from, through } = seals[sequence];
    const found = events.find(
      (event) =>
        event.position > from &&
        event.position < through &&
        event.stream_id !== SEAL_STREAM &&
        (!type || event.type === type),
    );
    if (!found) throw new Error(`no ${type ?? 'event'} inside seal #${sequence}`);
    return found;
  };

  const changeData = (position: number) => (db: Database.Database) =>
    db
      .prepare(`UPDATE events SET data = json_set(data, '$.tampered', 1) WHERE position = ?`)
      .run(position);
  const remove = (position: number) => (db: Database.Database) =>
    db.prepare('DELETE FROM events WHERE position = ?').run(position);

  it('R41: an untouched store verifies clean; the events after the latest seal are counted, its hash printed', async () => {
    expect(seals.length).toBeGreaterThanOrEqual(4);
    expect(unsealedTail).toBeGreaterThan(0);
    const latest = seals[seals.length - 1];
    expect(await verify(await tampered())).toMatchObject({
      ok: true,
      problems: [],
      truncated: false,
      seals: {
        seals: seals.length,
        sealedThrough: latest.through,
        latest: { sequence: latest.sequence, position: latest.position, sealHash: latest.sealHash },
        unsealed: unsealedTail,
      },
      auditLog: { entries: events.length },
    });
  });

  it('R41: an event whose data was changed in events.db is reported at its position, though the rebuilt audit log agrees with it', async () => {
    const target = sealedEvent(1, 'InvitationCreated');
    const result = await verify(await tampered(changeData(target.position)));
    expect(result.problems).toEqual([
      {
        kind: 'event-changed',
        seal: 1,
        position: target.position,
        message: expect.stringMatching(
          new RegExp(
            `^The event at position ${target.position} \\(InvitationCreated .+ in invitation-.+\\) was changed after seal #1 sealed it\\.$`,
          ),
        ),
      },
    ]);
    expect(result.ok).toBe(false);
  });

  it('R41: a deleted event is reported between its neighbours', async () => {
    const target = sealedEvent(2);
    const result = await verify(await tampered(remove(target.position)));
    expect(result.problems).toEqual([
      {
        kind: 'event-removed',
        seal: 2,
        message: `An event that seal #2 sealed is gone from between positions ${target.position - 1} and ${target.position + 1}.`,
      },
    ]);
  });

  it('R41: an inserted event (the later ones moved up to make room) is reported at its position', async () => {
    const target = sealedEvent(1);
    const at = target.position + 1;
    const result = await verify(
      await tampered((db) => {
        db.prepare('UPDATE events SET position = -position - 1 WHERE position >= ?').run(at);
        db.prepare('UPDATE events SET position = -position WHERE position < 0').run();
        db.prepare(
          `INSERT INTO events (position, id, stream_id, revision, type, data, metadata, created)
           SELECT ?, 'forged-event', 'dapgrant-partner-0_customer-99', 0, 'DelegatedAdminGranted',
             '{"partnerTenantId":"partner-0","customerTenantId":"customer-99"}', metadata, created
           FROM events WHERE position = ?`,
        ).run(at, target.position);
      }),
      { key: KEY, maxProblems: 1000 },
    );
    expect(result.problems[0]).toEqual({
      kind: 'event-inserted',
      seal: 1,
      position: at,
      message: `The event at position ${at} (DelegatedAdminGranted forged-event in dapgrant-partner-0_customer-99) was inserted into the range seal #1 sealed.`,
    });
    // Every later event moved one up: each later range lost its last event to the next one.
    expect(new Set(result.problems.slice(1).map((problem) => problem.kind))).toEqual(
      new Set(['event-removed', 'event-inserted']),
    );
    expect(result.problems.every((problem) => (problem.seal ?? 0) >= 1)).toBe(true);
  });

  it('R41: a seal whose data or metadata was changed is reported as forged', async () => {
    const result = await verify(
      await tampered((db) => {
        db.prepare(
          `UPDATE events SET data = json_set(data, '$.count', 3) WHERE stream_id = ? AND revision = 1`,
        ).run(SEAL_STREAM);
        db.prepare(
          `UPDATE events SET metadata = json_set(metadata, '$.occurredAt', '2020-01-01T00:00:00.000Z')
           WHERE stream_id = ? AND revision = 3`,
        ).run(SEAL_STREAM);
      }),
    );
    // Each altered seal event is itself sealed by a later seal, which reports it too.
    const sealedLater = [1, 3]
      .map((sequence) => ({ seal: coveringSeal(seals[sequence].position), sequence }))
      .filter(({ seal }) => seal !== undefined);
    expect(sealedLater.length).toBeGreaterThan(0);
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'seal-forged', seal: 1, position: seals[1].position }),
        expect.objectContaining({ kind: 'seal-forged', seal: 3, position: seals[3].position }),
        ...sealedLater.map(({ seal, sequence }) =>
          expect.objectContaining({
            kind: 'event-changed',
            seal: seal?.sequence,
            position: seals[sequence].position,
          }),
        ),
      ]),
    );
    expect(result.problems).toHaveLength(2 + sealedLater.length);
    expect(result.problems[0].message).toMatch(
      `the events it claims, positions (${seals[1].from}, ${seals[1].through}], are unverified`,
    );
  });

  it('R41: a seal deleted from the chain is reported missing, and the seal event itself as removed', async () => {
    const result = await verify(
      await tampered((db) =>
        db.prepare('DELETE FROM events WHERE stream_id = ? AND revision = 1').run(SEAL_STREAM),
      ),
    );
    expect(result.problems).toContainEqual(
      expect.objectContaining({
        kind: 'seal-missing',
        seal: 1,
        message: `Seal #1 is missing from the chain: the events after position ${seals[0].through} up to where seal #2 begins are covered by no seal.`,
      }),
    );
    expect(result.problems).toContainEqual(
      expect.objectContaining({
        kind: 'event-removed',
        seal: coveringSeal(seals[1].position)?.sequence,
      }),
    );
  });

  it('R41: a seal appended by someone without the key is reported as forged', async () => {
    const latest = seals[seals.length - 1];
    const result = await verify(
      await tampered((db) => {
        const forged = newSeal(
          newSealKey(),
          { sequence: latest.sequence, sealHash: latest.sealHash, through: latest.through },
          { ...new RangeHasher().digest(), count: 1, through: latest.through + 1 },
          { id: 'forged-seal', metadata: newMetadata() },
        );
        const data = { ...forged.data, keyId: latest.keyId };
        db.prepare(
          `INSERT INTO events (id, stream_id, revision, type, data, metadata, created)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          forged.id,
          SEAL_STREAM,
          data.sequence,
          forged.type,
          JSON.stringify(data),
          JSON.stringify(forged.metadata),
          Date.now(),
        );
      }),
    );
    expect(result.problems).toEqual([
      expect.objectContaining({ kind: 'seal-forged', seal: latest.sequence + 1 }),
    ]);
  });

  it('R41: several tamperings at once are each reported, not only the first', async () => {
    const changed = sealedEvent(0);
    const removed = sealedEvent(2);
    const result = await verify(
      await tampered((db) => {
        changeData(changed.position)(db);
        remove(removed.position)(db);
        db.prepare(
          `UPDATE events SET data = json_set(data, '$.through', 1) WHERE stream_id = ? AND revision = 3`,
        ).run(SEAL_STREAM);
      }),
    );
    const sealOfSeal3 = coveringSeal(seals[3].position);
    expect(result.problems.map(({ kind, seal, position }) => ({ kind, seal, position }))).toEqual([
      { kind: 'event-changed', seal: 0, position: changed.position },
      { kind: 'event-removed', seal: 2, position: undefined },
      { kind: 'seal-forged', seal: 3, position: seals[3].position },
      // the altered seal event is itself sealed by a later seal
      ...(sealOfSeal3
        ? [{ kind: 'event-changed', seal: sealOfSeal3.sequence, position: seals[3].position }]
        : []),
    ]);
    expect(result.problems[0].position).toBe(changed.position);
  });

  it('R41: verify stops at the limit and says there are more', async () => {
    const targets = [sealedEvent(0), sealedEvent(1), sealedEvent(2)];
    const dir = await tampered((db) => targets.forEach(({ position }) => changeData(position)(db)));
    expect(await verify(dir, { key: KEY, maxProblems: 2 })).toMatchObject({
      ok: false,
      truncated: true,
      problems: [{ position: targets[0].position }, { position: targets[1].position }],
    });
  });

  it('R41: a cut after the latest seal shows as positions the store gave out and no longer holds', async () => {
    const latest = seals[seals.length - 1];
    const last = events[events.length - 1].position;
    const result = await verify(
      await tampered((db) =>
        db.prepare('DELETE FROM events WHERE position >= ?').run(latest.position),
      ),
    );
    expect(result.problems).toEqual([
      {
        kind: 'position-gap',
        position: latest.position,
        message: `Positions ${latest.position} to ${last} hold no event, where the event store never skips one: events were removed there, and no seal covers them.`,
      },
    ]);
  });

  it('R41: a cut after the latest seal that also winds back the position counter is invisible from inside the store, but an anchor kept outside catches it', async () => {
    const latest = seals[seals.length - 1];
    const dir = await tampered((db) => {
      db.prepare('DELETE FROM events WHERE position >= ?').run(latest.position);
      db.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'events'").run(
        latest.position - 1,
      );
    });
    expect(await verify(dir)).toMatchObject({ ok: true });
    expect(await verify(dir, { key: KEY, anchor: latest.sealHash })).toMatchObject({
      ok: false,
      problems: [{ kind: 'anchor-missing' }],
    });
    expect(await verify(await tampered(), { key: KEY, anchor: latest.sealHash })).toMatchObject({
      ok: true,
    });
  });

  it('R41: every seal deleted and a sealed event rewritten: the seals’ positions, left empty, show', async () => {
    const target = sealedEvent(1);
    const result = await verify(
      await tampered((db) => {
        db.prepare('DELETE FROM events WHERE stream_id = ?').run(SEAL_STREAM);
        changeData(target.position)(db);
      }),
      { key: KEY, maxProblems: 1000 },
    );
    expect(result.seals).toMatchObject({ seals: 0, sealedThrough: 0 });
    expect(result.problems).toEqual(
      seals.map((seal) => ({
        kind: 'position-gap',
        position: seal.position,
        message: `Position ${seal.position} holds no event, where the event store never skips one: an event was removed there, and no seal covers it.`,
      })),
    );
  });

  it('R41: without the key the seals cannot be checked, and verify says so', async () => {
    expect(await verify(await tampered(), {})).toMatchObject({
      ok: false,
      problems: [{ kind: 'no-key' }],
    });
  });

  it('R41: `npm run -s audit -- verify` exits 0 on a sealed store and 1 with every problem, also as --json', async () => {
    const clean = await tampered();
    const env = (dir: string) => ({
      ...process.env,
      DATA_DIR: dir,
      AUDIT_SEAL_KEY: KEY,
      LOG_LEVEL: 'silent',
    });
    const intact = await run('npm', ['run', '-s', 'audit', '--', 'verify'], {
      cwd: ROOT,
      env: env(clean),
    });
    const latest = seals[seals.length - 1];
    expect(intact.stdout).toMatch(
      /^OK: the events match their seals and the audit log matches the events\n/,
    );
    expect(intact.stdout).toContain(
      `latest seal: #${latest.sequence} at position ${latest.position}, hash ${latest.sealHash}`,
    );
    expect(intact.stdout).toContain(
      // Counted as the next seal will count them but for the latest seal itself, and said so.
      `not sealed yet: ${unsealedTail} events after position ${latest.through}, the latest seal aside`,
    );

    const targets = [sealedEvent(0), sealedEvent(3)];
    const dir = await tampered((db) => targets.forEach(({ position }) => remove(position)(db)));
    const failed = await run('npm', ['run', '-s', 'audit', '--', 'verify', '--json'], {
      cwd: ROOT,
      env: env(dir),
    }).catch((error: { code: number; stdout: string }) => error);
    expect(failed).toMatchObject({ code: 1 });
    expect(JSON.parse(failed.stdout)).toMatchObject({
      ok: false,
      problems: [
        { kind: 'event-removed', seal: 0 },
        { kind: 'event-removed', seal: 3 },
      ],
    });
    const text = await run('npm', ['run', '-s', 'audit', '--', 'verify'], {
      cwd: ROOT,
      env: env(dir),
    }).catch((error: { code: number; stdout: string }) => error);
    expect(text.stdout).toMatch(/^FAILED: /);
    expect(text.stdout).toContain('(not one to keep as an anchor: the store failed its check)');
    expect(text.stdout).not.toContain('keep it outside the store');
    expect(intact.stdout).toContain('keep it outside the store');

    // Verify that cannot run at all still answers a JSON reader: ok false, and why.
    const unverifiable = await run('npm', ['run', '-s', 'audit', '--', 'verify', '--json'], {
      cwd: ROOT,
      env: { ...env(dir), AUDIT_SEAL_KEY: 'too short' },
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect(unverifiable).toMatchObject({ code: 1 });
    expect(JSON.parse(unverifiable.stdout)).toEqual({
      ok: false,
      error: expect.stringContaining('AUDIT_SEAL_KEY'),
    });
  });
});
