import Database from 'better-sqlite3';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { removeDatabaseFile } from '../../src/platform/projection-engine/replay-files';
import { newEvent } from '../support/events';
import {
  dataDirWithAcceptedInvitation,
  removeDataDir,
  startApp,
  type TestApp,
} from '../support/app';
import { people } from '../support/tenants';

const REQUEST = `mutation ($input: RequestResellerRelationshipInput!) { requestResellerRelationship(input: $input) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { delegatedAdmin { status } } }`;
const AUDIT = `{ auditLog(first: 5) { nodes { type } } }`;
const CUSTOMERS = `{ customers { nodes { tenantId } } }`;
const HISTORY = `query ($streamId: String!) { history(streamId: $streamId) { type actor { userId } unreadable data } }`;
const STATUS = `{ projectionStatus { name status deadLetters error } }`;

/**
 * Stores `text` as the InvitationCreated event's `column` in a closed data dir, and drops the read
 * models (derived data) so that the next start replays it; the event's stream.
 */
function changeStoredInvitation(dataDir: string, column: 'data' | 'metadata', text: string) {
  const raw = new Database(join(dataDir, 'events.db'));
  try {
    raw.prepare(`UPDATE events SET ${column} = ? WHERE type = 'InvitationCreated'`).run(text);
    return (
      raw.prepare(`SELECT stream_id FROM events WHERE type = 'InvitationCreated'`).get() as {
        stream_id: string;
      }
    ).stream_id;
  } finally {
    raw.close();
    removeDatabaseFile(join(dataDir, 'read-models.db'));
  }
}

describe('poison events on a running server', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    if (app) removeDataDir(app.dataDir);
    app = undefined;
  });

  it('a stored event that is not JSON neither stops the start nor the other read models; audit answers NOT_READY', async () => {
    const { dataDir } = await dataDirWithAcceptedInvitation();
    const streamId = changeStoredInvitation(dataDir, 'data', '{not json');

    app = await startApp({ dataDir });
    const ann = await app.token(people.ann);
    const opal = await app.token(people.opal);
    const statuses = (await app.gql(opal, STATUS)).data.projectionStatus as {
      name: string;
      status: string;
      deadLetters: number;
    }[];
    expect(statuses.find((status) => status.name === 'audit')).toMatchObject({
      status: 'FAILED',
      deadLetters: 1,
    });
    expect(statuses.find((status) => status.name === 'customers')).toMatchObject({
      status: 'LIVE',
    });
    const audit = await app.gql(ann, AUDIT);
    expect(audit.errors?.[0].extensions?.code).toBe('NOT_READY');
    expect((await app.gql(ann, CUSTOMERS)).errors).toBeUndefined();
    const history = await app.gql(ann, HISTORY, { streamId });
    expect(history.errors).toBeUndefined();
    expect(history.data.history[0]).toMatchObject({
      type: 'InvitationCreated',
      actor: { userId: people.ann.sub },
      data: null,
      unreadable: expect.stringMatching(/^stored JSON cannot be parsed/),
    });
  });

  it('a stored event whose metadata is JSON of another shape is set aside naming the field; history lists it as unreadable', async () => {
    const { dataDir, invitationId } = await dataDirWithAcceptedInvitation();
    // JSON that parses, but names no one: every reader took an actor for granted.
    const streamId = changeStoredInvitation(
      dataDir,
      'metadata',
      JSON.stringify({ correlationId: 'c', causationId: 'c', occurredAt: 5, actor: 'x' }),
    );

    app = await startApp({ dataDir });
    const reason = 'stored metadata is not an event’s metadata: occurredAt is not a date and time';
    const ann = await app.token(people.ann);
    const opal = await app.token(people.opal);
    const statuses = (await app.gql(opal, STATUS)).data.projectionStatus as {
      name: string;
      status: string;
      error: string | null;
    }[];
    expect(statuses.find((status) => status.name === 'audit')).toMatchObject({
      status: 'FAILED',
      error: `InvitationCreated at position 1: ${reason}`,
    });
    const history = await app.gql(ann, HISTORY, { streamId });
    expect(history.errors).toBeUndefined();
    expect(history.data.history[0]).toMatchObject({
      type: 'InvitationCreated',
      actor: null,
      unreadable: reason,
      data: { invitationId },
    });
    expect(history.data.history.slice(1)).toEqual(
      expect.arrayContaining([expect.objectContaining({ unreadable: null })]),
    );
    expect((await app.gql(ann, CUSTOMERS)).errors).toBeUndefined();
    expect((await app.gql(ann, REQUEST, { input: {} })).errors).toBeUndefined();
  });

  it('an appended event with bad data is dead-lettered while the server keeps serving and writing', async () => {
    app = await startApp();
    const store = app.app.get<EventStore>(EVENT_STORE);
    await store.append(
      'relationship-contoso-partners_fabrikam',
      [newEvent('RelationshipEstablished', { partnerTenantId: 'contoso-partners' })],
      'any',
    );
    const ann = await app.token(people.ann);
    const fay = await app.token(people.fay);
    const id = (await app.gql(ann, REQUEST, { input: {} })).data.requestResellerRelationship.id;
    expect((await app.gql(fay, ACCEPT, { id })).errors).toBeUndefined();
    expect((await app.gql(ann, CUSTOMERS)).data.customers.nodes).toEqual([
      { tenantId: 'fabrikam' },
    ]);
    const statuses = (await app.gql(await app.token(people.opal), STATUS)).data
      .projectionStatus as { name: string; status: string; deadLetters: number }[];
    const byName = new Map(statuses.map((status) => [status.name, status]));
    expect(byName.get('customers')).toMatchObject({ status: 'LIVE', deadLetters: 1 });
    // The audit log stops visibly at an event it cannot describe (its policy), never silently.
    expect(byName.get('audit')).toMatchObject({ status: 'FAILED', deadLetters: 1 });
    const audit = await app.gql(ann, AUDIT);
    expect(audit.errors?.[0].extensions?.code).toBe('NOT_READY');
  });
});
