import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { verifyAudit } from '../../src/audit/audit-verify';
import { SEAL_STREAM } from '../../src/audit/seal';
import type { EventStore } from '../../src/platform/event-store/event-store';
import { EsdbEventStore } from '../../src/platform/event-store/esdb/esdb-event-store';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { ReadStore } from '../../src/platform/read-store/read-store';
import { removeDataDir, startApp, type TestApp } from '../support/app';
import { EsdbDouble } from '../support/esdb-double/esdb-double';
import { eventually } from '../support/eventually';
import { people } from '../support/tenants';

const REQUEST = `mutation { requestResellerRelationship(input: { customerDomain: "fabrikam.onmicrosoft.com" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { customerTenantId } }`;
const SERVICE_REQUEST = `mutation { openServiceRequest(input: { customerTenantId: "fabrikam", title: "Quota", description: "Raise it" }) { id } }`;
const SEALS = `{ auditLog(filter: { eventTypes: ["AuditSealed"] }, first: 50) {
  totalCount
  nodes { type streamId summary partnerTenantId customerTenantId actor { userId tenantId tenantKind } data }
} }`;
const CUSTOMERS = '{ customers { totalCount nodes { tenantId delegatedAdmin { status } } } }';
const HISTORY = `query ($streamId: String!) { history(streamId: $streamId) { revision type stateAfter } }`;

interface Backend {
  env: Record<string, string>;
  store(dataDir: string): EventStore;
  stop(): Promise<void>;
}

const backends: [string, () => Promise<Backend>][] = [
  [
    'the embedded SQLite store',
    () =>
      Promise.resolve({
        env: {},
        store: (dataDir) => new SqliteEventStore(join(dataDir, 'events.db')),
        stop: () => Promise.resolve(),
      }),
  ],
  [
    'EventStoreDB (the gRPC double)',
    async () => {
      const double = await EsdbDouble.start({ batchAppend: true, systemEventEvery: 4 });
      return {
        env: { EVENTSTORE_URL: double.url },
        store: () => new EsdbEventStore(double.url),
        stop: () => double.stop(),
      };
    },
  ],
];

describe.each(backends)('the audit sealer in the server, on %s', (_name, backendOf) => {
  let backend: Backend;
  let app: TestApp;
  let closed = false;

  beforeAll(async () => {
    backend = await backendOf();
    app = await startApp({
      env: { ...backend.env, AUDIT_SEAL_EVERY_EVENTS: '3', AUDIT_SEAL_INTERVAL_MS: '200' },
    });
    const ann = await app.token(people.ann);
    const invitation = await app.gql(ann, REQUEST);
    const accepted = await app.gql(await app.token(people.fay), ACCEPT, {
      id: invitation.data.requestResellerRelationship.id,
    });
    expect(accepted.errors).toBeUndefined();
    expect((await app.gql(ann, SERVICE_REQUEST)).errors).toBeUndefined();
  });

  afterAll(async () => {
    if (!closed) await app?.close();
    await backend?.stop();
    if (app) removeDataDir(app.dataDir);
  });

  it('R41, R42: seals every few events and after the interval; the Operator alone sees them in the audit log', async () => {
    const opal = await app.token(people.opal);
    // 5 events: a seal once 3 are unsealed, or 200 ms after the oldest, whichever comes first.
    let seals: any;
    await eventually(async () => {
      seals = (await app.gql(opal, SEALS)).data.auditLog;
      return seals.totalCount >= 2;
    });
    expect(seals.nodes.at(-1)).toEqual({
      type: 'AuditSealed',
      streamId: SEAL_STREAM,
      summary: expect.stringMatching(
        /^Audit sealer \(partner-ledger\) sealed [1-3] events after position 0 up to \d+ \(seal #0\)$/,
      ),
      partnerTenantId: null,
      customerTenantId: null,
      actor: { userId: 'audit-sealer', tenantId: 'partner-ledger', tenantKind: 'operator' },
      data: expect.objectContaining({ sequence: 0, from: 0 }),
    });
    for (const who of [people.fay, people.ann]) {
      const theirs = await app.gql(await app.token(who), SEALS);
      expect(theirs.data.auditLog.totalCount).toBe(0);
    }
  });

  it('R43: the seal stream has a history for the Operator, and the pages are as they were', async () => {
    const opal = await app.token(people.opal);
    const history = await app.gql(opal, HISTORY, { streamId: SEAL_STREAM });
    expect(history.data.history.slice(0, 2)).toEqual([
      { revision: 0, type: 'AuditSealed', stateAfter: null },
      { revision: 1, type: 'AuditSealed', stateAfter: null },
    ]);
    const customers = await app.gql(await app.token(people.ann), CUSTOMERS);
    expect(customers.data.customers).toEqual({
      totalCount: 1,
      nodes: [{ tenantId: 'fabrikam', delegatedAdmin: { status: 'ACTIVE' } }],
    });
  });

  it('R41: once the server stopped, audit verify finds the store and its seals in agreement', async () => {
    await app.close();
    closed = true;
    const keyFile = join(app.dataDir, 'audit-seal-key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const store = backend.store(app.dataDir);
    const reads = new ReadStore(join(app.dataDir, 'read-models.db'));
    try {
      const result = await verifyAudit(store, reads, {
        key: readFileSync(keyFile, 'utf8').trim(),
      });
      expect(result).toMatchObject({ ok: true, problems: [] });
      expect(result.seals.seals).toBeGreaterThanOrEqual(2);
    } finally {
      reads.close();
      await store.close();
    }
  });
});
