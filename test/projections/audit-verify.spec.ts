import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chainHash, type AuditRow } from '../../projections/audit-entry';
import { auditProjection } from '../../projections/audit.projection';
import { verifyAudit } from '../../src/audit/audit-verify';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { ProjectionEngine } from '../../src/projection-engine/projection-engine';
import { ReadStore } from '../../src/read-store/read-store';
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

  it('R41: an untouched log verifies, every entry chained to the one before it', async () => {
    const head = await store.headPosition();
    const outcome = await verifyAudit(store, reads);
    expect(outcome).toEqual({
      ok: true,
      entries: head,
      through: head,
      head: rowAt(head).hash,
      pending: 0,
    });
    expect(rowAt(2).hash).toBe(chainHash(rowAt(1).hash, rowAt(2)));
  });

  it('R41: a modified read-model row is reported at its position', async () => {
    reads.run(`UPDATE audit_log SET summary = 'Nothing happened' WHERE position = 7`);
    expect(await verifyAudit(store, reads)).toMatchObject({
      ok: false,
      position: 7,
      entries: 6,
      problem: expect.stringMatching(/^the entry was altered: its summary is "Nothing happened"/),
    });
  });

  it('R41: a modified row is found even when the whole chain after it was recomputed', async () => {
    const head = await store.headPosition();
    reads.run(`UPDATE audit_log SET actor_user_id = 'someone-else' WHERE position = 5`);
    let previous = rowAt(4).hash;
    for (let position = 5; position <= head; position++) {
      previous = chainHash(previous, rowAt(position));
      reads.run('UPDATE audit_log SET hash = ? WHERE position = ?', [previous, position]);
    }
    expect(await verifyAudit(store, reads)).toMatchObject({
      ok: false,
      position: 5,
      problem: expect.stringContaining('its actor_user_id is "someone-else"'),
    });
  });

  it('R41: a missing read-model row is reported at its position', async () => {
    reads.run('DELETE FROM audit_log WHERE position = 9');
    expect(await verifyAudit(store, reads)).toMatchObject({
      ok: false,
      position: 9,
      problem: expect.stringMatching(/^the entry for event .+ is missing$/),
    });
  });

  it('R41: an entry for no event is reported', async () => {
    const last = rowAt(await store.headPosition());
    reads.run(`INSERT INTO audit_log SELECT position + 100, event_id, stream_id, revision, type,
      occurred_at, actor_user_id, actor_name, actor_tenant_id, actor_tenant_kind, actor_tenant_name,
      actor_roles, partner_tenant_id, customer_tenant_id, correlation_id, data, summary, hash
      FROM audit_log WHERE position = ${last.position}`);
    expect(await verifyAudit(store, reads)).toMatchObject({
      ok: false,
      position: last.position + 100,
      problem: 'there is an entry here but no event at this position',
    });
  });

  it('R41: `npm run -s audit -- verify` exits 0 on an intact log and 1 with the first mismatch', async () => {
    const env = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent' };
    const intact = await run('npm', ['run', '-s', 'audit', '--', 'verify'], { cwd: ROOT, env });
    expect(intact.stdout).toMatch(
      /^OK: \d+ entries verified up to position \d+, chain head [0-9a-f]{64}/,
    );

    reads.run(`UPDATE audit_log SET data = '{}' WHERE position = 3`);
    const tampered = await run('npm', ['run', '-s', 'audit', '--', 'verify'], {
      cwd: ROOT,
      env,
    }).catch((error: { code: number; stdout: string }) => error);
    expect(tampered).toMatchObject({ code: 1 });
    expect(tampered.stdout).toMatch(
      /^MISMATCH at position 3: the entry was altered: its data is "\{\}"/,
    );
  });
});
