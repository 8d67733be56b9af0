import { once } from 'node:events';
import { connect } from 'node:net';
import request from 'supertest';
import {
  bodyProblem,
  MAX_BODY_DEPTH,
  malformedStringPath,
} from '../../../src/platform/security/body-problem';
import { appForSuite } from '../../support/app';
import { LogLines } from '../../support/log-lines';
import { people } from '../../support/tenants';

/** `{ query, variables: { a: [[…]] } }` whose innermost array is at `depth` (the body is 1). */
const nestedBody = (depth: number, innermost = '') => {
  const arrays = depth - 2;
  return `{"query":"{ __typename }","variables":{"a":${'['.repeat(arrays)}${innermost}${']'.repeat(arrays)}}}`;
};

describe('malformedStringPath and bodyProblem', () => {
  it('name the first lone surrogate by path, in a key or a value, in the body’s order', () => {
    const body = { query: 'ok', variables: { list: ['fine', 'a\udc00b'], 'k\ud800': 'x' } };
    expect(malformedStringPath(body)).toBe('body.variables.list.1');
    expect(malformedStringPath({ variables: { 'k\ud800': 'x', list: ['\ud800'] } })).toBe(
      'body.variables',
    );
    expect(malformedStringPath({ query: 'Mailbox 📬' }, 'payload')).toBeNull();
  });

  it('walk a body of any depth without recursion; the gate’s check stops at MAX_BODY_DEPTH', () => {
    const deep = JSON.parse(nestedBody(200_000, '"\\ud800"')) as unknown;
    const path = malformedStringPath(deep);
    expect(path).toMatch(/^body\.variables\.a\.0\.0\.0/);
    expect(path?.length).toBe(101);
    expect(bodyProblem(deep)).toEqual({ kind: 'too-deep', path: expect.stringMatching(/…$/) });
    expect(bodyProblem(JSON.parse(nestedBody(MAX_BODY_DEPTH)))).toBeNull();
    expect(bodyProblem(JSON.parse(nestedBody(MAX_BODY_DEPTH + 1)))?.kind).toBe('too-deep');
  });
});

describe('the GraphQL gate over HTTP', () => {
  const logs = new LogLines();
  const app = appForSuite({ env: { LOG_LEVEL: 'info' }, logDestination: logs });

  const post = (body: string, token?: string) => {
    const call = request(app.url).post('/graphql').set('content-type', 'application/json');
    if (token) call.set('authorization', `Bearer ${token}`);
    return call.send(body);
  };

  it('answers an anonymous request 401 before reading its body: not parsed, not even waited for', async () => {
    const notJson = await post('not json at all');
    expect(notJson.status).toBe(401);
    expect(notJson.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    // Headers and a first piece of an announced megabyte: the answer comes without the rest.
    const { port } = new URL(app.url);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    const answered = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
        if (text.includes('\r\n\r\n')) resolve(text);
      });
    });
    socket.write(
      'POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        'Content-Length: 1000000\r\n\r\n{"query":"',
    );
    try {
      expect((await answered).split('\r\n')[0]).toBe('HTTP/1.1 401 Unauthorized');
    } finally {
      socket.destroy();
    }
  });

  it('refuses a request with several Authorization headers (400), whichever comes first', async () => {
    const ann = await app.token(people.ann);
    for (const headers of [
      [`Bearer ${ann}`, 'Bearer forged'],
      ['Bearer forged', `Bearer ${ann}`],
      [`Bearer ${ann}`, `Bearer ${ann}`],
    ]) {
      const response = await request(app.url)
        .post('/graphql')
        .set('content-type', 'application/json')
        // superagent sends each value of an array as a header line of its own.
        .set('authorization', headers as unknown as string)
        .send({ query: '{ me { userId } }' });
      expect(response.status).toBe(400);
      expect(response.body.errors[0].extensions.code).toBe('BAD_REQUEST');
      expect((await logs.request(response.headers['x-request-id'])).level).toBe(30);
    }
    const one = await post(JSON.stringify({ query: '{ me { userId } }' }), ann);
    expect(one.body).toEqual({ data: { me: { userId: 'ann' } } });
  });

  it('refuses a body nested deeper than MAX_BODY_DEPTH with 400 INVALID_INPUT, logging no error; without a token, 401 before the body is looked at', async () => {
    const ann = await app.token(people.ann);
    for (const depth of [MAX_BODY_DEPTH + 1, 200_000]) {
      const response = await post(nestedBody(depth), ann);
      expect(response.status).toBe(400);
      expect(response.body.errors[0].extensions.code).toBe('INVALID_INPUT');
      expect(response.body.errors[0].message).toContain(`at most ${MAX_BODY_DEPTH} levels`);
      expect((await logs.request(response.headers['x-request-id'])).level).toBe(30);
      const anonymous = await post(nestedBody(depth));
      expect(anonymous.status).toBe(401);
      expect((await logs.request(anonymous.headers['x-request-id'])).level).toBe(30);
    }
    expect(logs.lines.filter((line) => line.level >= 50)).toEqual([]);
    const atTheLimit = await post(nestedBody(MAX_BODY_DEPTH), ann);
    expect(atTheLimit.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('checks a GET request’s variables as a POST body’s: a lone surrogate there is 400 INVALID_INPUT', async () => {
    const ann = await app.token(people.ann);
    const get = (variables: string) =>
      request(app.url)
        .get('/graphql')
        .query({ query: 'query ($s: String) { customers(search: $s) { totalCount } }', variables })
        .set('apollo-require-preflight', '1')
        .set('authorization', `Bearer ${ann}`);
    const response = await get('{"s":"\\ud800"}');
    expect(response.status).toBe(400);
    expect(response.body.errors[0]).toMatchObject({
      message: expect.stringContaining('body.variables.s holds a lone surrogate'),
      extensions: { code: 'INVALID_INPUT' },
    });
  });
});
