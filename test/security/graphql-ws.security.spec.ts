import type { Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import request from 'supertest';
import WebSocket from 'ws';
import { mintToken } from '../../src/platform/auth/token-minter';
import { appForSuite, TEST_SECRET, type TestApp } from '../support/app';
import { eventCount, firstResult, stillAnswers, wsClient, wsUrl } from '../support/security';
import { people } from '../support/tenants';

/** A WebSocket upgrade of /graphql as raw bytes, for clients that misbehave below ws. */
const upgradeRequest = (port: number) =>
  [
    'GET /graphql HTTP/1.1',
    `Host: 127.0.0.1:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Protocol: graphql-transport-ws',
    '',
    '',
  ].join('\r\n');

/** Raw TCP clients that never close their side, and the server's side of each. */
function halfOpenClients(app: TestApp) {
  const server = app.app.getHttpServer() as Server;
  const { port } = server.address() as AddressInfo;
  const accepted: Socket[] = [];
  const onConnection = (socket: Socket) => accepted.push(socket);
  server.on('connection', onConnection);
  const clients: Socket[] = [];
  return {
    /** Connects and asks to upgrade /graphql. */
    async upgrade(): Promise<Socket> {
      const client = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
      clients.push(client);
      await once(client, 'connect');
      client.write(upgradeRequest(port));
      return client;
    },
    /** Whether the server let go of every client's socket within `ms`. */
    async allReleasedWithin(ms: number): Promise<boolean> {
      const sides = accepted.filter(({ remotePort }) =>
        clients.some(({ localPort }) => localPort === remotePort),
      );
      const deadline = Date.now() + ms;
      const released = () => sides.length === clients.length && sides.every((s) => s.destroyed);
      while (!released() && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      return released();
    },
    stop() {
      server.off('connection', onConnection);
      for (const client of clients) client.destroy();
    },
  };
}

const CHANGED = 'subscription { partnerRelationshipsChanged { partnerTenantId since } }';

/** A raw graphql-transport-ws socket: how the server closes it, and what it said before. */
function rawSocket(app: TestApp) {
  const socket = new WebSocket(wsUrl(app), 'graphql-transport-ws');
  const messages: { type: string; id?: string; payload?: unknown }[] = [];
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8'))));
  const opened = new Promise<void>((resolve) => socket.once('open', () => resolve()));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  return { socket, messages, opened, closed };
}

describe('graphql-ws: sockets are limited like HTTP requests', () => {
  const app = appForSuite({
    env: { GRAPHQL_WS_MAX_SUBSCRIPTIONS: '2', GRAPHQL_WS_MAX_SOCKETS_PER_CALLER: '3' },
  });
  let fay: string;

  beforeAll(async () => {
    fay = await app.token(people.fay);
  });

  it('refuses connection_init without a valid token (4403), and the server keeps answering', async () => {
    for (const connectionParams of [{}, { authorization: 'Bearer forged.token.here' }]) {
      const { client, closed } = wsClient(app, connectionParams);
      expect((await closed).code).toBe(4403);
      await client.dispose();
    }
    const expired = await mintToken(TEST_SECRET, people.fay, { ttl: -10 });
    const { client, closed } = wsClient(app, { authorization: `Bearer ${expired}` });
    expect((await closed).code).toBe(4403);
    await client.dispose();
    expect(await stillAnswers(app, fay)).toBe(true);
  });

  it('lets a socket it closed go within 2 s though the client never answers the close frame (ws alone waits 30 s)', async () => {
    const clients = halfOpenClients(app);
    try {
      const client = await clients.upgrade();
      await once(client, 'data'); // 101 Switching Protocols
      // connection_init with a forged token, masked as a client frame must be: closed with 4403.
      const payload = Buffer.from(
        JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer x.y.z' } }),
      );
      const mask = Buffer.from([1, 2, 3, 4]);
      client.write(
        Buffer.concat([
          Buffer.from([0x81, 0x80 | payload.length]),
          mask,
          payload.map((byte, i) => byte ^ mask[i % 4]),
        ]),
      );
      const [closeFrame] = (await once(client, 'data')) as [Buffer];
      expect(closeFrame[0]).toBe(0x88);
      expect(closeFrame.readUInt16BE(2)).toBe(4403);
      expect(await clients.allReleasedWithin(4000)).toBe(true);
    } finally {
      clients.stop();
    }
  });

  it('closes an anonymous upgrade request whose target is no URL, and the server keeps answering', async () => {
    const { port } = new URL(wsUrl(app));
    for (const target of ['http://[', '//[::1', 'http://x:99999/graphql']) {
      const socket = connect(Number(port), '127.0.0.1');
      await once(socket, 'connect');
      socket.write(
        `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`,
      );
      await once(socket, 'close');
    }
    expect(await stillAnswers(app, fay)).toBe(true);
  });

  it('closes a socket that sends a frame over 1 MB (1009), like an HTTP body over 1 MB', async () => {
    const { socket, opened, closed } = rawSocket(app);
    await opened;
    socket.send(
      JSON.stringify({
        type: 'connection_init',
        payload: { authorization: `Bearer ${fay}`, padding: 'x'.repeat(1024 * 1024 + 1) },
      }),
    );
    expect(await closed).toBe(1009);
    expect(await stillAnswers(app, fay)).toBe(true);
  });

  it('holds at most GRAPHQL_WS_MAX_SUBSCRIPTIONS subscriptions per socket', async () => {
    const { client } = wsClient(app, { authorization: `Bearer ${fay}` });
    const received: unknown[] = [];
    const subscribe = () =>
      client.subscribe(
        { query: CHANGED },
        {
          next: (value) => received.push(value),
          error: () => undefined,
          complete: () => undefined,
        },
      );
    try {
      const first = subscribe();
      const second = subscribe();
      const third = await firstResult(client, CHANGED);
      expect(third.errors?.[0].extensions).toMatchObject({
        code: 'OPERATION_LIMIT_EXCEEDED',
        limit: 'GRAPHQL_WS_MAX_SUBSCRIPTIONS',
      });
      // Completing one makes room for another.
      first();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const again = subscribe();
      await new Promise((resolve) => setTimeout(resolve, 100));
      second();
      again();
      expect(received).toEqual([]);
    } finally {
      await client.dispose();
    }
  });

  it('closes a socket that sends an operation id over 128 characters (4400): ids are held while operations run', async () => {
    const { socket, messages, opened, closed } = rawSocket(app);
    await opened;
    socket.send(
      JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${fay}` } }),
    );
    while (messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    socket.send(
      JSON.stringify({ id: 'x'.repeat(129), type: 'subscribe', payload: { query: CHANGED } }),
    );
    expect(await closed).toBe(4400);
    expect(messages.map(({ type }) => type)).toEqual(['connection_ack']);
    expect(await stillAnswers(app, fay)).toBe(true);
  });

  it('refuses a subscribe message over GRAPHQL_WS_MAX_SUBSCRIBE_BYTES with OPERATION_LIMIT_EXCEEDED, and the socket stays usable', async () => {
    const { client } = wsClient(app, { authorization: `Bearer ${fay}` });
    try {
      const padded = await firstResult(client, `${CHANGED} # ${'x'.repeat(64 * 1024)}`);
      expect(padded.errors?.[0].extensions).toMatchObject({
        code: 'OPERATION_LIMIT_EXCEEDED',
        limit: 'GRAPHQL_WS_MAX_SUBSCRIBE_BYTES',
        max: 64 * 1024,
      });
      const small = await firstResult(client, '{ me { userId } }');
      expect(small).toEqual({ data: { me: { userId: 'fay' } } });
    } finally {
      await client.dispose();
    }
  });

  it('holds at most GRAPHQL_WS_MAX_SOCKETS_PER_CALLER signed-in sockets per caller (4403, naming the limit): one token cannot gather subscriptions without bound', async () => {
    const otto = await app.token(people.otto);
    /** A raw socket signed in as `token`: acknowledged, or closed with a code and reason. */
    const signIn = async (token: string) => {
      const raw = rawSocket(app);
      const reason = new Promise<string>((resolve) =>
        raw.socket.once('close', (_code, why: Buffer) => resolve(why.toString())),
      );
      await raw.opened;
      raw.socket.send(
        JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
      );
      // The first message, or the close: no polling loop left behind by a socket that closed.
      const outcome = await Promise.race([
        raw.closed.then(async (code) => `${code} ${await reason}`),
        new Promise<string>((resolve) =>
          raw.socket.once('message', (data: Buffer) =>
            resolve((JSON.parse(data.toString('utf8')) as { type: string }).type),
          ),
        ),
      ]);
      return { ...raw, outcome };
    };
    const held = [await signIn(otto), await signIn(otto), await signIn(otto)];
    expect(held.map(({ outcome }) => outcome)).toEqual(Array(3).fill('connection_ack'));

    const fourth = await signIn(otto);
    expect(fourth.outcome).toBe(
      '4403 At most 3 sockets per caller (GRAPHQL_WS_MAX_SOCKETS_PER_CALLER)',
    );
    // Another caller is not held to otto's sockets; closing one of otto's makes room for another.
    const fays = await signIn(fay);
    expect(fays.outcome).toBe('connection_ack');
    fays.socket.close();
    held[0].socket.close();
    await held[0].closed;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await signIn(otto);
    expect(again.outcome).toBe('connection_ack');
    for (const { socket } of [again, ...held]) socket.close();
    expect(await stillAnswers(app, fay)).toBe(true);
  });

  it('refuses a subscription whose root field is conditional (@skip, @include) as invalid, and the socket and its other subscriptions go on', async () => {
    const { client } = wsClient(app, { authorization: `Bearer ${fay}` });
    try {
      for (const [query, variables] of [
        ['subscription { partnerRelationshipsChanged @skip(if: true) { since } }', undefined],
        [
          'subscription ($x: Boolean = false) { ...Root } fragment Root on Subscription { partnerRelationshipsChanged @include(if: $x) { since } }',
          undefined,
        ],
        [
          'subscription ($x: Boolean!) { ... on Subscription { partnerRelationshipsChanged @include(if: $x) { since } } }',
          { x: true },
        ],
      ] as const) {
        const answer = await firstResult(client, query, variables);
        expect(answer.errors?.[0]).toMatchObject({
          message: expect.stringMatching(/root field cannot be conditional|runtime value/),
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        });
      }
      const small = await firstResult(client, '{ me { userId } }');
      expect(small).toEqual({ data: { me: { userId: 'fay' } } });
    } finally {
      await client.dispose();
    }
    // Over HTTP the same document is refused as invalid (400), never an internal error, also
    // where the request selects another operation of it, or none it holds.
    const conditional =
      'subscription S($x: Boolean = false) { partnerRelationshipsChanged @include(if: $x) { since } }';
    for (const body of [
      { query: conditional },
      { query: `query Q { me { userId } } ${conditional}`, operationName: 'Q' },
      { query: conditional, operationName: 'X' },
      {
        query: `query Q { me { userId } } subscription T($x: Boolean!) { ...R } fragment R on Subscription { customersChanged @skip(if: $x) { tenantId } }`,
        operationName: 'Q',
      },
    ]) {
      const overHttp = await request(app.url)
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${fay}`)
        .send(body);
      expect([body, overHttp.status]).toEqual([body, 400]);
      expect(overHttp.body).toMatchObject({
        errors: [
          {
            message: expect.stringMatching(/root field cannot be conditional/),
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          },
        ],
      });
    }
    // A query's root field may be conditional, with a variable's default or value.
    const query = 'query ($x: Boolean = false) { me @include(if: $x) { userId } }';
    expect(await app.gql(fay, query)).toEqual({ data: {} });
    expect(await app.gql(fay, query, { x: true })).toEqual({ data: { me: { userId: 'fay' } } });
  });

  it('refuses a lone surrogate in a subscription’s variables as INVALID_INPUT', async () => {
    const { client } = wsClient(app, { authorization: `Bearer ${fay}` });
    try {
      const answer = await firstResult(
        client,
        'subscription ($f: AuditFilter) { auditAppended(filter: $f) { type } }',
        { f: { eventTypes: ['\ud800'] } },
      );
      expect(answer.errors?.[0].extensions?.code).toBe('INVALID_INPUT');
    } finally {
      await client.dispose();
    }
  });

  it('ends a subscription when its token’s exp passes (4401), without appending anything', async () => {
    const before = eventCount(app);
    const shortLived = await mintToken(TEST_SECRET, people.fay, { ttl: 2 });
    const { client, closed } = wsClient(app, { authorization: `Bearer ${shortLived}` });
    const ended = new Promise<string>((resolve) =>
      client.subscribe(
        { query: CHANGED },
        {
          next: () => undefined,
          error: () => resolve('error'),
          complete: () => resolve('complete'),
        },
      ),
    );
    const { code, reason } = await closed;
    expect(code).toBe(4401);
    expect(reason).toMatch(/expired/i);
    expect(['error', 'complete']).toContain(await ended);
    await client.dispose();
    expect(eventCount(app)).toBe(before);
    expect(await stillAnswers(app, fay)).toBe(true);
  });
});

describe('graphql-ws: connection attempts and subscribe messages count against the caller’s rate limit', () => {
  const app = appForSuite({ env: { RATE_LIMIT_PER_MINUTE: '4' } });

  it('refuses subscribe messages over the limit with RATE_LIMITED, by caller (the budget HTTP uses too)', async () => {
    const wes = await app.token(people.wes);
    expect((await app.gql(wes, '{ me { userId } }')).data.me.userId).toBe('wes');
    const { socket, messages, opened } = rawSocket(app);
    await opened;
    const answered = async (count: number) => {
      while (messages.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    socket.send(
      JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${wes}` } }),
    );
    await answered(1);
    expect(messages[0].type).toBe('connection_ack');
    const codes: string[] = [];
    for (let id = 1; id <= 4; id++) {
      const before = messages.length;
      socket.send(
        JSON.stringify({
          id: String(id),
          type: 'subscribe',
          payload: { query: '{ me { userId } }' },
        }),
      );
      await answered(before + 1);
      const reply = messages[before] as {
        type: string;
        payload?: { extensions?: { code?: string } }[];
      };
      codes.push(reply.type === 'error' ? (reply.payload?.[0].extensions?.code ?? '?') : 'OK');
      if (reply.type === 'next') await answered(before + 2);
    }
    socket.close();
    expect(codes).toEqual(['OK', 'OK', 'OK', 'RATE_LIMITED']);
    const overHttp = await app.gql(wes, '{ me { userId } }');
    expect(overHttp.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
  });

  it('answers a connection attempt over the limit with 429, by address', async () => {
    const statuses: number[] = [];
    // One attempt of this address was counted by the test above.
    for (let attempt = 0; attempt < 5; attempt++) {
      const socket = new WebSocket(wsUrl(app), 'graphql-transport-ws');
      statuses.push(
        await new Promise<number>((resolve) => {
          socket.once('open', () => {
            socket.close();
            resolve(101);
          });
          // With this listener ws leaves the refused request open: abort it, as its docs say.
          socket.once('unexpected-response', (request, response) => {
            request.destroy();
            resolve(response.statusCode ?? 0);
          });
          socket.once('error', () => undefined);
        }),
      );
    }
    expect(statuses).toEqual([101, 101, 101, 429, 429]);
    expect(await stillAnswers(app, await app.token(people.fay))).toBe(true);
  });

  it('closes a connection attempt it answered 429 though the client keeps its side open: attempts over the limit hold no socket', async () => {
    const clients = halfOpenClients(app);
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        const [answer] = (await once(await clients.upgrade(), 'data')) as [Buffer];
        expect(answer.toString('latin1')).toMatch(/^HTTP\/1\.1 429 /);
      }
      expect(await clients.allReleasedWithin(2000)).toBe(true);
    } finally {
      clients.stop();
    }
  });
});
