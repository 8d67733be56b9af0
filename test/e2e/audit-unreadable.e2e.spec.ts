import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { AuditQueries } from '../../projections/audit/audit.queries';
import { exportAudit } from '../../src/audit/audit-export';
import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { READ_STORE, type ReadStore } from '../../src/platform/read-store/read-store';
import { actorOf, append, eventBy, eventData as d, minute } from '../support/audit-events';
import { removeDataDir, startApp, type TestApp } from '../support/app';
import { people } from '../support/tenants';

const AUDIT = `{ auditLog(first: 10) { nodes { position type summary data unreadable } } }`;
const [C, F] = ['contoso-partners', 'fabrikam'];

/**
 * Three service requests recorded and in the audit log; then, behind the server's back, the
 * second one's stored data stops being JSON and the third leaves the event store.
 */
describe('R41: an audit entry whose event cannot be read', () => {
  let app: TestApp;
  const positions: number[] = [];

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'audit-unreadable-'));
    const scripted = new SqliteEventStore(join(dataDir, 'events.db'));
    const fay = actorOf(people.fay);
    positions.push(
      await append(
        scripted,
        `relationship-${C}_${F}`,
        eventBy(fay, 'RelationshipEstablished', d.relationshipEstablished('i1', C, F), minute(0)),
      ),
    );
    for (const n of [1, 2, 3]) {
      const opened = d.serviceRequestOpened(C, F, `Request ${n}`);
      positions.push(
        await append(
          scripted,
          `dapgrant-${C}_${F}`,
          eventBy(actorOf(people.hal), 'ServiceRequestOpened', opened, minute(n)),
        ),
      );
    }
    await scripted.close();
    app = await startApp({ dataDir });
    const raw = new Database(join(dataDir, 'events.db'));
    raw.prepare(`UPDATE events SET data = '{not json' WHERE position = ?`).run(positions[2]);
    raw.prepare('DELETE FROM events WHERE position = ?').run(positions[3]);
    raw.close();
  });
  afterAll(async () => {
    await app.close();
    removeDataDir(app.dataDir);
  });

  it('is listed with null data and why, and the rest of the page is served', async () => {
    const answer = await app.gql(await app.token(people.opal), AUDIT);
    expect(answer.errors).toBeUndefined();
    const [gone, notJson, fine] = answer.data.auditLog.nodes;
    expect(gone).toMatchObject({
      position: positions[3],
      summary:
        'Hal (Contoso Partners, HelpdeskAgent) opened service request "Request 3" for Fabrikam',
      data: null,
      unreadable: `The event at position ${positions[3]} (dapgrant-${C}_${F}, revision 2) that this audit entry references is not in the event store: run \`audit verify\`.`,
    });
    expect(notJson).toMatchObject({
      position: positions[2],
      data: null,
      unreadable: expect.stringMatching(
        new RegExp(`^The event at position ${positions[2]} .* cannot be read \\(.+\\): run`),
      ),
    });
    expect(fine).toMatchObject({
      position: positions[1],
      data: expect.objectContaining({ title: 'Request 1' }),
      unreadable: null,
    });
  });

  it('stops an export with an error naming the entry, never a line without its data', async () => {
    const queries = new AuditQueries(app.app.get<ReadStore>(READ_STORE));
    const store = app.app.get<EventStore>(EVENT_STORE);
    for (const format of ['ndjson', 'csv'] as const) {
      const out = new PassThrough();
      out.resume();
      await expect(
        exportAudit(queries, store, { customerTenantId: F, format }, out),
      ).rejects.toThrow(`The event at position ${positions[2]} (dapgrant-${C}_${F}, revision 1)`);
    }
  });
});
