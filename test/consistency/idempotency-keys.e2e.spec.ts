import Database from 'better-sqlite3';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import request from 'supertest';
import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { StoreUnavailableError } from '../../src/platform/faults/store-unavailable';
import { IdempotencyKeys } from '../../src/platform/graphql/idempotency/idempotency-keys';
import { removeDataDir, startApp, type TestApp } from '../support/app';
import { LogLines } from '../support/log-lines';
import { people } from '../support/tenants';

const REQUEST = `mutation ($domain: String) { requestResellerRelationship(input: { customerDomain: $domain }) { id invitationUrl } }`;
const OPEN_SR = `mutation { openServiceRequest(input: { customerTenantId: "fabrikam", title: "Quota", description: "Raise it" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { customerTenantId } }`;
const INVITATIONS = `{ invitations { id } }`;
const HOUR = 3_600_000;

describe('Idempotency-Key on mutations', () => {
  let app: TestApp;
  let store: EventStore;
  let ann: string;
  let logs: LogLines;

  beforeEach(async () => {
    logs = new LogLines();
    app = await startApp({ env: { LOG_LEVEL: 'info' }, logDestination: logs });
    store = app.app.get<EventStore>(EVENT_STORE);
    ann = await app.token(people.ann);
  });
  afterEach(async () => {
    await app.close();
    removeDataDir(app.dataDir);
  });

  const send = (token: string, key: string | null, query: string, variables = {}) => {
    const call = request(app.url)
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${token}`);
    if (key !== null) call.set('idempotency-key', key);
    return call.send({ query, variables });
  };
  const created = async () =>
    (await store.readAll({ after: 0, maxCount: 1000 })).filter(
      (event) => event.type === 'InvitationCreated',
    ).length;
  /** A refusal is the caller's: a 4xx logged as information, never a 500 logged as an error. */
  const refusedAs = async (
    response: request.Response,
    status: number,
    code: string,
  ): Promise<{ message: string; extensions: Record<string, unknown> }> => {
    expect(response.body.errors[0].extensions.code).toBe(code);
    expect(response.body.errors[0].extensions.http).toBeUndefined();
    expect(response.status).toBe(status);
    expect((await logs.request(response.headers['x-request-id'])).level).toBe(30);
    expect(logs.lines.filter((line) => line.level >= 50)).toEqual([]);
    return response.body.errors[0];
  };

  it('R41: a retry with the same key and input gets the first answer and records nothing', async () => {
    const first = await send(ann, 'key-1', REQUEST, { domain: 'fabrikam.onmicrosoft.com' });
    const retry = await send(ann, 'key-1', REQUEST, { domain: 'fabrikam.onmicrosoft.com' });
    expect(first.body.errors).toBeUndefined();
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await created()).toBe(1);
  });

  it('R41, R50: a request one field of which recorded and another was refused keeps its key: the retry replays it, nothing recorded twice', async () => {
    // Mutation fields are non-null: the refusal of the second makes `data` null, yet the first recorded.
    const BOTH = `mutation { a: requestResellerRelationship(input: {}) { id }
      b: cancelInvitation(invitationId: "no-such-invitation") { id } }`;
    const first = await send(ann, 'two-fields', BOTH);
    expect(first.body.data).toBeNull();
    expect(first.body.extensions).toMatchObject({ recorded: true });
    const retry = await send(ann, 'two-fields', BOTH);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await created()).toBe(1);
  });

  it('R41: a retry whose variables name the same input in another key order is the same request: it replays the first answer', async () => {
    const BY_INPUT = `mutation ($input: RequestResellerRelationshipInput!) { requestResellerRelationship(input: $input) { id } }`;
    const first = await send(ann, 'key-order', BY_INPUT, {
      input: { customerDomain: 'fabrikam.onmicrosoft.com', includeDelegatedAdmin: false },
    });
    const retry = await send(ann, 'key-order', BY_INPUT, {
      input: { includeDelegatedAdmin: false, customerDomain: 'fabrikam.onmicrosoft.com' },
    });
    expect(first.body.errors).toBeUndefined();
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await created()).toBe(1);
  });

  it('R50: the same key with another input is CONFLICT and records nothing', async () => {
    await send(ann, 'key-2', REQUEST, { domain: 'fabrikam.onmicrosoft.com' });
    const other = await send(ann, 'key-2', REQUEST, { domain: 'woodgrove.onmicrosoft.com' });
    await refusedAs(other, 409, 'CONFLICT');
    expect(other.body.data).toBeUndefined();
    expect(await created()).toBe(1);
  });

  it('a key whose first request is still running, or was interrupted, is CONFLICT naming its correlation id', async () => {
    const claim = jest.spyOn(app.app.get(IdempotencyKeys), 'claim');
    claim.mockReturnValueOnce({ kind: 'running', correlationId: 'first-1', interrupted: false });
    const running = await send(ann, 'key-3', REQUEST, { domain: 'fabrikam.onmicrosoft.com' });
    expect((await refusedAs(running, 409, 'CONFLICT')).extensions.correlationId).toBe('first-1');
    claim.mockReturnValueOnce({ kind: 'running', correlationId: 'first-2', interrupted: true });
    const interrupted = await send(ann, 'key-3', REQUEST, { domain: 'fabrikam.onmicrosoft.com' });
    expect((await refusedAs(interrupted, 409, 'CONFLICT')).message).toContain('first-2');
    expect(await created()).toBe(0);
  });

  it('R41: an append whose outcome is unknown (recorded: null: it may have landed) keeps its key: the retry replays that answer and records nothing twice', async () => {
    const append = store.append.bind(store);
    jest.spyOn(store, 'append').mockImplementationOnce(async (...args) => {
      await append(...args); // written; then the store stops answering (a lost acknowledgement)
      throw new StoreUnavailableError('UNREACHABLE', 'appending failed 5 times', 'unknown');
    });
    const first = await send(ann, 'key-unknown', REQUEST, { domain: 'fabrikam.onmicrosoft.com' });
    expect(first.body.errors[0].extensions).toMatchObject({ code: 'UNAVAILABLE', recorded: null });
    expect(first.body.errors[0].message).toMatch(/look in the audit log for its correlation id/);
    const retry = await send(ann, 'key-unknown', REQUEST, { domain: 'fabrikam.onmicrosoft.com' });
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await created()).toBe(1);
  });

  // README probe (the lease's case, §11 of stop 66): SQLite's busy wait held the request thread,
  // every request stalled, while another process held the lock of a file the server writes.
  it('a lock another process holds on idempotency.db is waited for on a timer: the server answers meanwhile, and the keyed request runs once the lock is let go', async () => {
    const other = new Database(join(app.dataDir, 'idempotency.db'));
    other.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    let keyedAt = 0;
    const keyed = send(ann, 'locked-key', REQUEST, { domain: 'fabrikam.onmicrosoft.com' }).then(
      (response) => ((keyedAt = performance.now() - started), response),
    );
    await delay(300);
    const live = await request(app.url).get('/health/live');
    const liveAt = performance.now() - started;
    other.exec('COMMIT');
    other.close();

    expect(live.status).toBe(200);
    expect(keyedAt).toBe(0); // still waiting for the lock when the probe answered
    expect(liveAt).toBeLessThan(1500); // the busy wait held everything for STORE_LOCK_WAIT_MS (2 s)
    expect((await keyed).body.errors).toBeUndefined();
    expect(await created()).toBe(1);
  });

  it('keys belong to their caller: another user’s same key runs its own request', async () => {
    await send(ann, 'shared', REQUEST, { domain: 'fabrikam.onmicrosoft.com' });
    const sam = await app.token(people.sam);
    const theirs = await send(sam, 'shared', REQUEST, { domain: 'fabrikam.onmicrosoft.com' });
    expect(theirs.body.errors).toBeUndefined();
    expect(await created()).toBe(2);
  });

  it('R13: a refused request frees its key, so the same retry runs again once it can succeed', async () => {
    const refused = await send(ann, 'sr-1', OPEN_SR);
    expect(refused.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const id = (await send(ann, null, REQUEST, {})).body.data.requestResellerRelationship.id;
    await send(await app.token(people.fay), null, ACCEPT, { id });
    const retried = await send(ann, 'sr-1', OPEN_SR);
    expect(retried.body.errors).toBeUndefined();
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
  });

  it('concurrent requests with one key: one runs, the others wait their turn or replay it, one event', async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        send(ann, 'burst', REQUEST, { domain: 'fabrikam.onmicrosoft.com' }),
      ),
    );
    for (const answer of answers) {
      if (answer.body.errors) expect(answer.body.errors[0].extensions.code).toBe('CONFLICT');
      else expect(answer.body.data.requestResellerRelationship.id).toBeDefined();
    }
    expect(await created()).toBe(1);
  });

  it('a key is kept IDEMPOTENCY_KEY_TTL_HOURS (24 by default), then forgotten', async () => {
    await send(ann, 'old', REQUEST, { domain: 'fabrikam.onmicrosoft.com' });
    app.clock.advance(23 * HOUR);
    expect(
      (await send(ann, 'old', REQUEST, { domain: 'fabrikam.onmicrosoft.com' })).headers[
        'idempotent-replayed'
      ],
    ).toBe('true');
    app.clock.advance(2 * HOUR);
    const fresh = await send(ann, 'old', REQUEST, { domain: 'fabrikam.onmicrosoft.com' });
    expect(fresh.headers['idempotent-replayed']).toBeUndefined();
    expect(await created()).toBe(2);
  });

  it('a malformed key is INVALID_INPUT before anything runs; queries ignore keys', async () => {
    for (const key of ['x'.repeat(256), 'has space']) {
      await refusedAs(await send(ann, key, REQUEST, {}), 400, 'INVALID_INPUT');
    }
    expect(await created()).toBe(0);
    const query = await send(ann, 'x'.repeat(256), INVITATIONS);
    expect(query.body.errors).toBeUndefined();
  });
});
