import { once } from 'node:events';
import { connect } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { READ_STORE, type ReadStore } from '../../../src/platform/read-store/read-store';
import { appForSuite } from '../../support/app';
import { LogLines } from '../../support/log-lines';
import { people } from '../../support/tenants';

const INVITE = `mutation { requestResellerRelationship(input: { customerTenantId: "fabrikam" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { customerTenantId } }`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids, trace context and request logs', () => {
  const logs = new LogLines();
  const app = appForSuite({ env: { LOG_LEVEL: 'debug' }, logDestination: logs });

  const post = async (query: string, options: { token?: string; headers?: object } = {}) => {
    const call = request(app.url).post('/graphql').set('content-type', 'application/json');
    if (options.token) call.set('authorization', `Bearer ${options.token}`);
    for (const [name, value] of Object.entries(options.headers ?? {})) call.set(name, value);
    return call.send({ query });
  };

  const eventsCorrelatedBy = async (correlationId: string) => {
    const store = new SqliteEventStore(join(app.dataDir, 'events.db'));
    try {
      const events = await store.readAll({ after: 0, maxCount: 10_000 });
      return events.filter((event) => event.metadata.correlationId === correlationId);
    } finally {
      await store.close();
    }
  };

  it('R41: the x-request-id a caller sends comes back and is the correlation id of every event the request causes', async () => {
    const ann = await app.token(people.ann);
    const invitation = (await app.gql(ann, INVITE)).data.requestResellerRelationship;
    const response = await request(app.url)
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${await app.token(people.fay)}`)
      .set('x-request-id', 'accept-fabrikam-42')
      .send({ query: ACCEPT, variables: { id: invitation.id } });
    expect(response.body.errors).toBeUndefined();
    expect(response.headers['x-request-id']).toBe('accept-fabrikam-42');
    const events = await eventsCorrelatedBy('accept-fabrikam-42');
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining([
        'InvitationAccepted',
        'RelationshipEstablished',
        'DelegatedAdminGranted',
      ]),
    );
    const audit = await app.gql(
      await app.token(people.fay),
      '{ auditLog(first: 10) { nodes { type correlationId } } }',
    );
    const accepted = audit.data.auditLog.nodes.find(
      (node: { type: string }) => node.type === 'InvitationAccepted',
    );
    expect(accepted.correlationId).toBe('accept-fabrikam-42');
  });

  it('R41: without an x-request-id the server makes one, returns it, and correlates the events with it', async () => {
    const response = await post(INVITE, { token: await app.token(people.ann) });
    const id = response.headers['x-request-id'];
    expect(id).toMatch(UUID);
    expect((await eventsCorrelatedBy(id)).map((event) => event.type)).toEqual([
      'InvitationCreated',
    ]);
  });

  it('an x-request-id that is not a plausible id (too long, odd characters) is replaced by a new one', async () => {
    for (const sent of ['x'.repeat(129), 'has spaces', 'line\tbreak', '']) {
      const response = await post('{ __typename }', { headers: { 'x-request-id': sent } });
      expect(response.headers['x-request-id']).toMatch(UUID);
    }
  });

  it("a W3C traceparent is continued: the answer carries the caller's trace id and a span of its own", async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const response = await post('{ __typename }', {
      headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01`, 'x-request-id': 'traced-1' },
    });
    const [, returnedTrace, span, flags] = response.headers.traceparent.split('-');
    expect(returnedTrace).toBe(traceId);
    expect(span).toMatch(/^[0-9a-f]{16}$/);
    expect(span).not.toBe('b7ad6b7169203331');
    expect(flags).toBe('01');
    expect((await logs.request('traced-1')).traceId).toBe(traceId);
  });

  it('without a (valid) traceparent the server starts a trace and returns it', async () => {
    for (const sent of [
      undefined,
      '00-zz-b7ad6b7169203331-01',
      `00-${'0'.repeat(32)}-b7ad6b7169203331-01`,
    ]) {
      const response = await post('{ __typename }', {
        headers: sent ? { traceparent: sent } : {},
      });
      expect(response.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
      expect(response.headers.traceparent).not.toContain('0'.repeat(32));
    }
  });

  it('one line per request: operation, caller tenant and user, duration, outcome; no token, no query text', async () => {
    const token = await app.token(people.ann);
    await post('query MyPage { invitations { id } }', {
      token,
      headers: { 'x-request-id': 'logged-1' },
    });
    const line = await logs.request('logged-1');
    expect(line).toMatchObject({
      level: 30,
      requestId: 'logged-1',
      req: { method: 'POST', path: '/graphql' },
      res: { statusCode: 200 },
      durationMs: expect.any(Number),
      operation: 'invitations',
      operationType: 'query',
      operationName: 'MyPage',
      caller: { tenantId: 'contoso-partners', userId: 'ann' },
      outcome: 'OK',
    });
    expect(logs.requests().filter((other) => other.requestId === 'logged-1')).toHaveLength(1);
    expect(JSON.stringify(line)).not.toContain(token);
    expect(JSON.stringify(line)).not.toContain('invitations { id }');
  });

  it('an expected refusal is logged once, at info, with its code and rule and the echoed input truncated', async () => {
    const opal = await app.token(people.opal);
    const long = 'n'.repeat(5_000);
    const answer = await post(`mutation { rebuildProjections(names: ["${long}"]) { name } }`, {
      token: opal,
      headers: { 'x-request-id': 'refused-1' },
    });
    expect(answer.body.errors[0].extensions.code).toBe('INVALID_INPUT');
    await post('{ invitations { id } }', { headers: { 'x-request-id': 'refused-2' } });
    await post(INVITE, {
      token: await app.token(people.hal),
      headers: { 'x-request-id': 'refused-3' },
    });

    const invalid = await logs.request('refused-1');
    expect(invalid).toMatchObject({ level: 30, outcome: 'INVALID_INPUT' });
    expect(invalid.refusal.code).toBe('INVALID_INPUT');
    expect(invalid.refusal.message.length).toBeLessThan(300);
    expect((await logs.request('refused-2')).refusal).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await logs.request('refused-3')).refusal).toMatchObject({
      code: 'FORBIDDEN',
      rule: 'R1',
    });
    for (const id of ['refused-1', 'refused-2', 'refused-3']) {
      const mentions = logs.lines.filter((line) => line.requestId === id);
      expect(mentions).toHaveLength(1);
    }
    expect(logs.lines.filter((line) => line.level >= 40)).toEqual([]);
  });

  it("a refused variable's value, which graphql-js quotes back to the caller, is not logged", async () => {
    const secret = 'sk-live-3f9a1c77e2b04d5c';
    const answer = await request(app.url)
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${await app.token(people.ann)}`)
      .set('x-request-id', 'refused-variable')
      .send({
        query:
          'mutation ($input: RequestResellerRelationshipInput!) { requestResellerRelationship(input: $input) { id } }',
        variables: { input: { customerTenantId: { token: secret } } },
      });
    expect(answer.body.errors[0].message).toContain(secret);

    const line = await logs.request('refused-variable');
    expect(line.refusal.message).toBe(
      'Variable "$input" got invalid value (the value is not logged)',
    );
    const mentions = logs.lines.filter((logged) => JSON.stringify(logged).includes(secret));
    expect(mentions).toEqual([]);
  });

  it('a Customers page read from the read-model cache is logged like any page', async () => {
    const token = await app.token(people.ann);
    const page = '{ customers(first: 5) { totalCount } }';
    await post(page, { token });
    await post(page, { token, headers: { 'x-request-id': 'cached-1' } });
    expect(await logs.request('cached-1')).toMatchObject({
      level: 30,
      operation: 'customers',
      caller: { tenantId: 'contoso-partners', userId: 'ann' },
      outcome: 'OK',
    });
  });

  it('probes are logged at debug, apart from the request log', async () => {
    await request(app.url).get('/health/ready').set('x-request-id', 'probe-1');
    expect(await logs.request('probe-1')).toMatchObject({ level: 20, res: { statusCode: 200 } });
  });

  it('a probe answered 503 (not ready) is logged at info, not error, with no made-up error or stack: the server means it', async () => {
    const reads = app.app.get<ReadStore>(READ_STORE);
    reads.run("UPDATE projection_checkpoints SET state = 'FAILED' WHERE name = 'audit'");
    try {
      const probe = await request(app.url).get('/health/ready').set('x-request-id', 'probe-503');
      expect(probe.status).toBe(503);
      const line = await logs.request('probe-503');
      expect(line).toMatchObject({ level: 30, res: { statusCode: 503 } });
      expect(line).not.toHaveProperty('err');
    } finally {
      reads.run("UPDATE projection_checkpoints SET state = 'LIVE' WHERE name = 'audit'");
    }
  });

  it('a client that leaves before its answer is logged as aborted, with no status, and counted as ABORTED', async () => {
    const { port } = new URL(app.url);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    // A signed-in caller's headers, then half the body it announced; then the client goes.
    socket.write(
      'POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        `Authorization: Bearer ${await app.token(people.ann)}\r\n` +
        'Content-Length: 100\r\nx-request-id: left-early-1\r\n\r\n{"query":',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    const line = await logs.request('left-early-1');
    expect(line).toMatchObject({
      level: 30,
      res: { statusCode: null },
      outcome: 'ABORTED',
      msg: 'POST /graphql aborted before its answer was delivered - ABORTED',
    });
    const metrics = await request(app.url)
      .get('/metrics')
      .set('authorization', `Bearer ${await app.token(people.opal)}`);
    expect(metrics.text).toMatch(
      /partner_ledger_graphql_requests_total\{operation="-",outcome="ABORTED"\} [1-9]/,
    );
  });

  it('a real fault is logged at error, with the request id on both its lines', async () => {
    // A read-model row no handler would write: reading it fails, a fault rather than a refusal.
    app.app.get<ReadStore>(READ_STORE).run("UPDATE customers SET dap_roles = 'not json'");
    const answer = await post('{ customer(tenantId: "fabrikam") { delegatedAdmin { roles } } }', {
      token: await app.token(people.ann),
      headers: { 'x-request-id': 'fault-1' },
    });
    expect(answer.body.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(await logs.request('fault-1')).toMatchObject({
      level: 50,
      outcome: 'INTERNAL_SERVER_ERROR',
    });
    const fault = logs.lines.find(
      (line) => line.requestId === 'fault-1' && line.context === 'GraphQL',
    );
    expect(fault).toMatchObject({ level: 50, msg: expect.stringContaining('SyntaxError') });
  });
});
