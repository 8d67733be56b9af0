import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import {
  type AuditRow,
  chainHash,
  dataText,
  STORED_COLUMNS,
} from '../../projections/audit/audit-columns';
import { auditProjection } from '../../projections/audit/audit.projection';
import { verifyAudit } from '../../src/audit/audit-verify';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { ProjectionEngine } from '../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../src/platform/read-store/read-store';
import { actorOf, append, eventBy, eventData as d, minute } from '../support/audit-events';
import { writeStory } from '../support/story';
import { people } from '../support/tenants';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');

describe('audit verify: the hash-chained log re-derived from the event store', () => {
  let dir: string;
  let store: SqliteEventStore;
  let reads: ReadStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-verify-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    await writeStory(store, 12);
    const fay = actorOf(people.fay);
    await append(
      store,
      'dapgrant-contoso-partners_fabrikam',
      eventBy(
        fay,
        'DelegatedAdminRemoved',
        d.delegatedAdminRemoved('contoso-partners', 'fabrikam'),
        minute(1),
      ),
    );
  });

  beforeEach(async () => {
    rmSync(join(dir, 'read-models.db'), { force: true });
    reads = new ReadStore(join(dir, 'read-models.db'));
    await new ProjectionEngine(store, reads, [auditProjection]).catchUp();
  });

  afterEach(() => reads.close());

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rowAt = (position: number) =>
    reads.get<AuditRow>('SELECT * FROM audit_log WHERE position = ?', [position]) as AuditRow;

  /** The entry's fields for the hash: the row and its event's data. */
  const fieldsAt = async (position: number) => {
    const [event] = await store.readAll({ after: position - 1, maxCount: 1 });
    return { ...rowAt(position), data: dataText(event.data) };
  };

  /** A row slipped into the read model: a copy of the row at `from`, at position `to`. */
  const copyRow = (from: number, to: number) => {
    const others = STORED_COLUMNS.filter((column) => column !== 'position');
    reads.run(`INSERT INTO audit_log (position, ${others.join(', ')})
      SELECT ${to}, ${others.join(', ')} FROM audit_log WHERE position = ${from}`);
  };

  /** Edits the event store's file behind the store's back. */
  const editEvents = (sql: string, params: unknown[] = []) => {
    const file = new Database(join(dir, 'events.db'));
    try {
      file.prepare(sql).run(...params);
    } finally {
      file.close();
    }
  };

  /**
   * Runs `check` with the events at `positions` edited in events.db (a field added to their data,
   * nothing the entry's columns show), then puts them back.
   */
  async function withEventsEdited(positions: number[], check: () => Promise<void>) {
    const stored = await store.readAll({ after: positions[0] - 1, maxCount: positions.length });
    positions.forEach((position) =>
      editEvents(`UPDATE events SET data = json_set(data, '$.note', 'edited') WHERE position = ?`, [
        position,
      ]),
    );
    try {
      await check();
    } finally {
      stored.forEach((event) =>
        editEvents('UPDATE events SET data = ? WHERE position = ?', [
          JSON.stringify(event.data),
          event.position,
        ]),
      );
    }
  }

  it('R41: a read store no projection ran on says the audit log is not built yet', async () => {
    const fresh = new ReadStore(join(dir, 'fresh-read-models.db'));
    try {
      await expect(verifyAudit(store, fresh)).rejects.toThrow('The audit log is not built yet');
    } finally {
      fresh.close();
    }
  });

  it('R41: an audit log stopped by an event it cannot apply (FAILED) says so and where, not "not built yet"', async () => {
    const failed = new ReadStore(join(dir, 'failed-read-models.db'));
    try {
      await new ProjectionEngine(store, failed, [auditProjection]).catchUp();
      failed.run(
        "UPDATE projection_checkpoints SET state = 'FAILED', position = 3, error = 'bad data at 4' WHERE name = 'audit'",
      );
      const refused = verifyAudit(store, failed);
      await expect(refused).rejects.toThrow(
        'The audit log stopped after position 3: an event it cannot apply (bad data at 4)',
      );
      await expect(verifyAudit(store, failed)).rejects.toThrow('projections retry audit');
    } finally {
      failed.close();
    }
  });

  it('R41: an untouched log verifies, every entry chained to the one before it', async () => {
    const head = await store.headPosition();
    const outcome = await verifyAudit(store, reads);
    expect(outcome).toEqual({
      ok: true,
      problems: [],
      truncated: false,
      seals: { seals: 0, sealedThrough: 0, unsealed: head },
      auditLog: { entries: head, through: head, head: rowAt(head).hash, pending: 0 },
    });
    expect(rowAt(2).hash).toBe(chainHash(rowAt(1).hash, await fieldsAt(2)));
  });

  it('R41: a modified read-model row is reported at its position', async () => {
    reads.run(`UPDATE audit_log SET summary = 'Nothing happened' WHERE position = 7`);
    expect((await verifyAudit(store, reads)).problems).toEqual([
      {
        kind: 'entry-altered',
        position: 7,
        message: expect.stringMatching(
          /^The audit entry at position 7 was altered: its summary is "Nothing happened"/,
        ),
      },
    ]);
  });

  it('R41: a change past the first 80 characters of a column is shown where it is', async () => {
    const { summary } = rowAt(7);
    const altered = `${summary.slice(0, -3)}XYZ`;
    reads.run('UPDATE audit_log SET summary = ? WHERE position = 7', [altered]);
    const [problem] = (await verifyAudit(store, reads)).problems;
    expect(problem.message).toContain(JSON.stringify(altered.slice(-30)).slice(1, -1));
    expect(problem.message).toContain(JSON.stringify(summary.slice(-30)).slice(1, -1));
  });

  it('R41: a modified row is reported once, even when the whole chain after it was recomputed', async () => {
    const head = await store.headPosition();
    reads.run(`UPDATE audit_log SET actor_user_id = 'someone-else' WHERE position = 5`);
    let previous = rowAt(4).hash;
    for (let position = 5; position <= head; position++) {
      previous = chainHash(previous, await fieldsAt(position));
      reads.run('UPDATE audit_log SET hash = ? WHERE position = ?', [previous, position]);
    }
    expect((await verifyAudit(store, reads)).problems).toEqual([
      expect.objectContaining({
        kind: 'entry-altered',
        position: 5,
        message: expect.stringContaining('its actor_user_id is "someone-else"'),
      }),
    ]);
  });

  it('R41: an event whose data was edited after its entry was recorded is reported at its position', async () => {
    await withEventsEdited([6], async () => {
      expect((await verifyAudit(store, reads)).problems).toEqual([
        {
          kind: 'entry-altered',
          position: 6,
          message: expect.stringMatching(
            /^The audit entry at position 6 was altered: its hash is .*: the event's data changed after the entry was recorded, or the entry's hash did\.$/,
          ),
        },
      ]);
    });
  });

  it('R41: an entry altered past a checkpoint moved back is reported: every row served is compared', async () => {
    const head = await store.headPosition();
    reads.run("UPDATE projection_checkpoints SET position = ? WHERE name = 'audit'", [head - 5]);
    reads.run("UPDATE audit_log SET summary = 'forged' WHERE position = ?", [head - 1]);
    expect((await verifyAudit(store, reads)).problems).toEqual([
      expect.objectContaining({ kind: 'entry-altered', position: head - 1 }),
    ]);
  });

  it('R41: an audit table missing under a checkpoint that says it is built is named, with what to do', async () => {
    reads.run('DROP TABLE audit_log');
    await expect(verifyAudit(store, reads)).rejects.toThrow(
      "The audit log's checkpoint says it is built, but read-models.db lacks its audit_log: the read models were damaged. Rebuild them (`projections rebuild --in-place audit`)",
    );
  });

  it('R41: a missing read-model row is reported at its position', async () => {
    reads.run('DELETE FROM audit_log WHERE position = 9');
    expect((await verifyAudit(store, reads)).problems).toEqual([
      {
        kind: 'entry-missing',
        position: 9,
        message: expect.stringMatching(/^The audit entry for event .+ at position 9 is missing\.$/),
      },
    ]);
  });

  it('R41: an entry for no event is reported', async () => {
    const last = rowAt(await store.headPosition());
    copyRow(last.position, last.position + 100);
    expect((await verifyAudit(store, reads)).problems).toEqual([
      {
        kind: 'entry-extra',
        position: last.position + 100,
        message: `The audit log has an entry at position ${last.position + 100} but there is no event there.`,
      },
    ]);
  });

  it('R41: entries the running server recorded after verify read the checkpoint are compared, not extra; events it has not recorded yet are pending', async () => {
    const head = await store.headPosition();
    // As if the server applied two more events between verify reading the checkpoint and the rows.
    reads.run("UPDATE projection_checkpoints SET position = ? WHERE name = 'audit'", [head - 2]);
    const outcome = await verifyAudit(store, reads);
    expect(outcome.problems).toEqual([]);
    expect(outcome.auditLog).toMatchObject({ through: head, pending: 0 });
    // And as if it had not recorded the last one yet.
    reads.run('DELETE FROM audit_log WHERE position = ?', [head]);
    expect(await verifyAudit(store, reads)).toMatchObject({
      problems: [],
      auditLog: { through: head - 1, head: rowAt(head - 1).hash, pending: 1 },
    });
    // A row past the checkpoint that no event stands behind is still extra.
    copyRow(head - 1, head + 50);
    expect((await verifyAudit(store, reads)).problems).toEqual([
      expect.objectContaining({ kind: 'entry-extra', position: head + 50 }),
    ]);
  });

  it.each([
    ['not JSON', `UPDATE events SET metadata = 'not json' WHERE position = 3`],
    [
      'without an actor',
      `UPDATE events SET metadata = json_remove(metadata, '$.actor') WHERE position = 3`,
    ],
  ])(
    'R41: an event whose metadata is %s is reported as unreadable, and the rest is still compared',
    async (_, edit) => {
      const [stored] = await store.readAll({ after: 2, maxCount: 1 });
      reads.run(`UPDATE audit_log SET summary = 'Nothing happened' WHERE position = 5`);
      editEvents(edit);
      try {
        const outcome = await verifyAudit(store, reads);
        expect(outcome.problems.map(({ kind, position }) => ({ kind, position }))).toEqual([
          { kind: 'event-unreadable', position: 3 },
          { kind: 'entry-altered', position: 5 },
        ]);
        expect(outcome.problems[0].message).toContain(stored.id);
      } finally {
        editEvents('UPDATE events SET metadata = ? WHERE position = 3', [
          JSON.stringify(stored.metadata),
        ]);
      }
    },
  );

  it('R41: every altered, missing and extra row is reported, up to the limit', async () => {
    reads.run(`UPDATE audit_log SET summary = 'Nothing happened' WHERE position = 3`);
    reads.run('DELETE FROM audit_log WHERE position = 6');
    copyRow(7, 1000);
    const all = await verifyAudit(store, reads);
    expect(all.problems.map(({ kind, position }) => ({ kind, position }))).toEqual([
      { kind: 'entry-altered', position: 3 },
      { kind: 'entry-missing', position: 6 },
      { kind: 'entry-extra', position: 1000 },
    ]);
    expect(all.truncated).toBe(false);
    expect(await verifyAudit(store, reads, { maxProblems: 2 })).toMatchObject({
      ok: false,
      truncated: true,
      problems: [{ position: 3 }, { position: 6 }],
    });
  });

  it('R41: `npm run -s audit -- verify` exits 0 on an intact log and 1 with each mismatch', async () => {
    const env = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent' };
    const intact = await run('npm', ['run', '-s', 'audit', '--', 'verify'], { cwd: ROOT, env });
    expect(intact.stdout).toMatch(/^OK: /);
    expect(intact.stdout).toMatch(
      /\naudit log: \d+ entries compared up to position \d+, chain head [0-9a-f]{64}\n/,
    );

    await withEventsEdited([3, 4], async () => {
      const tampered = await run('npm', ['run', '-s', 'audit', '--', 'verify'], {
        cwd: ROOT,
        env,
      }).catch((error: { code: number; stdout: string }) => error);
      expect(tampered).toMatchObject({ code: 1 });
      expect(tampered.stdout).toMatch(
        /^FAILED: 2 problems\n {2}- \[entry-altered\] The audit entry at position 3 was altered: its hash is "[0-9a-f]{64}" but the event store says "[0-9a-f]{64}": the event's data changed after the entry was recorded, or the entry's hash did\.\n {2}- \[entry-altered\] The audit entry at position 4 was altered/,
      ); // A store that failed its check offers no anchor to keep.
      expect(tampered.stdout).not.toContain('keep it outside the store');
      const first = await run(
        'npm',
        ['run', '-s', 'audit', '--', 'verify', '--max-problems', '1'],
        {
          cwd: ROOT,
          env,
        },
      ).catch((error: { code: number; stdout: string }) => error);
      expect(first.stdout).toMatch(
        /^FAILED: 1 problem \(stopped there: --max-problems; there are more\)\n/,
      );
      expect(first.stdout).toContain(
        '(what follows covers only what was checked before it stopped)',
      );
    });
  });
});
