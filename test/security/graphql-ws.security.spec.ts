import WebSocket from 'ws';
import { mintToken } from '../../src/auth/token-minter';
import { removeDataDir, startApp, TEST_SECRET, type TestApp } from '../support/app';
import { eventCount, firstResult, stillAnswers, wsClient, wsUrl } from '../support/security';
import { people } from '../support/tenants';

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
  let app: TestApp;
  let fay: string;

  beforeAll(async () => {
    app = await startApp({ env: { GRAPHQL_WS_MAX_SUBSCRIPTIONS: '2' } });
    fay = await app.token(people.fay);
  });
  afterAll(async () => {
    await app.close();
    removeDataDir(app.dataDir);
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
