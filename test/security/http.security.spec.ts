import { connect, type Socket } from 'node:net';
import request from 'supertest';
import { appForSuite, type TestApp } from '../support/app';
import { eventCount, stillAnswers } from '../support/security';
import { people } from '../support/tenants';

const INTROSPECTION = '{ __schema { queryType { name } } }';

/** Resolves when the server closes the socket; what the server wrote before that. */
function closedByServer(socket: Socket): Promise<string> {
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  return new Promise((resolve, reject) => {
    // A client still writing when the server closes may see a reset instead: closed all the same.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => resolve(received));
  });
}

function openSocket(app: TestApp): Promise<Socket> {
  const { port } = new URL(app.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
  });
}

describe('HTTP: callers, connections and answers are bounded', () => {
  const app = appForSuite({
    env: {
      RATE_LIMIT_PER_MINUTE: '30',
      GRAPHQL_MAX_RESPONSE_BYTES: '4000',
      HTTP_HEADERS_TIMEOUT_MS: '500',
      HTTP_REQUEST_TIMEOUT_MS: '1000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '300',
    },
  });
  let ann: string;

  beforeAll(async () => {
    ann = await app.token(people.ann);
  });

  it('answers without X-Powered-By', async () => {
    const response = await request(app.url)
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${ann}`)
      .send({ query: '{ me { userId } }' });
    expect(response.status).toBe(200);
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('refuses a caller without a valid token before GraphQL parses anything: 401 UNAUTHENTICATED', async () => {
    for (const authorization of [undefined, 'Bearer not-a-token']) {
      const call = request(app.url).post('/graphql').set('content-type', 'application/json');
      if (authorization) call.set('authorization', authorization);
      const response = await call.send({ query: '{ me { userId } }' });
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('answers introspection and "Did you mean" suggestions only to signed-in callers', async () => {
    const anonymous = await app.gql(null, INTROSPECTION);
    expect(anonymous.data).toBeUndefined();
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const misspelt = await app.gql(null, '{ custmers { totalCount } }');
    expect(JSON.stringify(misspelt)).not.toMatch(/Did you mean/);
    expect((await app.gql(ann, INTROSPECTION)).data.__schema.queryType.name).toBe('Query');
  });

  it('a subscription sent over HTTP is a 400-style refusal, not an internal error', async () => {
    const response = await request(app.url)
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${await app.token(people.fay)}`)
      .send({ query: 'subscription { partnerRelationshipsChanged { since } }' });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body.errors[0].extensions.code).not.toBe('INTERNAL_SERVER_ERROR');
    expect(await stillAnswers(app, ann)).toBe(true);
  });

  it('refuses a body in another charset or encoding with 415 naming it, not as invalid JSON', async () => {
    const before = eventCount(app);
    for (const [header, value, named] of [
      ['content-type', 'application/json; charset=latin1', /charset "LATIN1"/],
      ['content-encoding', 'compress', /encoding "compress"/],
    ] as const) {
      const response = await request(app.url)
        .post('/graphql')
        .set('authorization', `Bearer ${ann}`)
        .set('content-type', 'application/json')
        .set(header, value)
        .send('{"query":"{ me { userId } }"}');
      expect(response.status).toBe(415);
      expect(response.body.errors[0].extensions).toEqual({ code: 'BAD_REQUEST' });
      expect(response.body.errors[0].message).toMatch(/must be JSON in UTF-8/);
      expect(response.body.errors[0].message).toMatch(named);
    }
    expect(eventCount(app)).toBe(before);
    expect(await stillAnswers(app, ann)).toBe(true);
  });

  it('refuses a body that is not UTF-8 with 400 saying so, recording nothing (no U+FFFD stored for good)', async () => {
    const before = eventCount(app);
    const body = Buffer.concat([
      Buffer.from('{"query":"mutation { requestResellerRelationship(input: { customerDomain: \\"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('.example\\" }) { id } }"}'),
    ]);
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ann}`, 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: unknown[] }).errors[0]).toEqual({
      message: 'The request body is not valid UTF-8: JSON is UTF-8. Nothing was run.',
      extensions: { code: 'BAD_REQUEST' },
    });
    expect(eventCount(app)).toBe(before);
    expect(await stillAnswers(app, ann)).toBe(true);
  });

  it('refuses a persisted query Apollo cannot take (version, hash) with 400 BAD_REQUEST, not an internal error', async () => {
    const sam = await app.token(people.sam);
    for (const persistedQuery of [
      { version: 1, sha256Hash: 'abc' },
      { version: 2, sha256Hash: 'abc' },
      'x',
    ]) {
      const response = await request(app.url)
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${sam}`)
        .send({ query: '{ __typename }', extensions: { persistedQuery } });
      expect(response.status).toBe(400);
      expect(response.body.errors[0].extensions).toEqual({ code: 'BAD_REQUEST' });
    }
  });

  it('refuses a persisted query hash sent alone that is no SHA-256 with 400 BAD_REQUEST; a well-formed unknown one is PERSISTED_QUERY_NOT_FOUND', async () => {
    const sam = await app.token(people.sam);
    const send = (persistedQuery: unknown) =>
      request(app.url)
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${sam}`)
        .send({ extensions: { persistedQuery } });
    for (const sha256Hash of ['zz', '', 5, undefined, 'Z'.repeat(64), 'a'.repeat(200)]) {
      const response = await send({ version: 1, sha256Hash });
      expect(response.status).toBe(400);
      expect(response.body.errors[0]).toEqual({
        message:
          'extensions.persistedQuery.sha256Hash must be the SHA-256 of the query in 64 lowercase hex digits.',
        extensions: { code: 'BAD_REQUEST' },
      });
    }
    const unknown = await send({ version: 1, sha256Hash: 'a'.repeat(64) });
    expect(unknown.body.errors[0].extensions).toEqual({ code: 'PERSISTED_QUERY_NOT_FOUND' });
  });

  it('refuses an answer over GRAPHQL_MAX_RESPONSE_BYTES with RESPONSE_TOO_LARGE, never a 500', async () => {
    const response = await request(app.url)
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${ann}`)
      .send({ query: '{ __schema { types { name description fields { name description } } } }' });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].extensions).toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
    expect(response.body.errors[0].message).toContain('GRAPHQL_MAX_RESPONSE_BYTES');
    expect(await stillAnswers(app, ann)).toBe(true);
  });

  it('closes a connection whose headers never finish (HTTP_HEADERS_TIMEOUT_MS)', async () => {
    const socket = await openSocket(app);
    const closed = closedByServer(socket);
    socket.write('POST /graphql HTTP/1.1\r\nHost: localhost\r\n');
    const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 100);
    try {
      expect(await closed).toMatch(/^(HTTP\/1\.1 408|)/);
    } finally {
      clearInterval(drip);
    }
    expect(await stillAnswers(app, ann)).toBe(true);
  });

  it('closes a kept-alive connection that stays idle (HTTP_KEEP_ALIVE_TIMEOUT_MS)', async () => {
    const socket = await openSocket(app);
    const closed = closedByServer(socket);
    socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
    expect(await closed).toMatch(/^HTTP\/1\.1 200/);
  });

  it('limits each caller (RATE_LIMIT_PER_MINUTE) with 429 RATE_LIMITED; others still get in, nothing is appended', async () => {
    const sam = await app.token(people.sam);
    const before = eventCount(app);
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 35; i++) {
      const response = await request(app.url)
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${sam}`)
        .send({ query: 'mutation { requestResellerRelationship(input: {}) { id } }' });
      codes.push(response.status === 429 ? response.body.errors[0].extensions.code : 'OK');
      if (response.status === 429) expect(response.headers['retry-after']).toBeDefined();
    }
    const limited = codes.filter((code) => code === 'RATE_LIMITED').length;
    expect(limited).toBeGreaterThan(0);
    expect(eventCount(app)).toBe(before + (codes.length - limited));
    expect(await stillAnswers(app, await app.token(people.hal))).toBe(true);
  });

  it('limits anonymous callers by address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) {
      const response = await request(app.url)
        .post('/graphql')
        .set('content-type', 'application/json')
        .send({ query: '{ me { userId } }' });
      statuses.push(response.status);
    }
    expect(statuses).toContain(401);
    expect(statuses.at(-1)).toBe(429);
  });
});
