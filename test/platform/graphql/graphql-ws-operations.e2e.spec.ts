import type { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { AuditAppendedNotifier } from '../../../src/audit/audit-appended.notifier';
import { PartnerRelationshipsNotifier } from '../../../src/delegated-admin/partner-relationships.notifier';
import { appForSuite, type TestApp } from '../../support/app';
import { LogLines } from '../../support/log-lines';
import { eventCount, wsUrl } from '../../support/security';
import { people } from '../../support/tenants';

const AUDIT = 'subscription { auditAppended { position } }';

type Message = {
  id?: string;
  type: string;
  payload?: { message: string; extensions?: { code?: string } }[] & { data?: unknown };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `done()` holds, for at most 3 s. */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; waited < 3000 && !done(); waited += 10) await sleep(10);
}

/**
 * The subscriptions the server's in-process PubSubs feed: each holds a listener until its iterator
 * is returned, whether a client still reads it or not.
 */
function liveSubscriptions(app: TestApp): number {
  return [AuditAppendedNotifier, PartnerRelationshipsNotifier].reduce((sum, notifier) => {
    const { ee } = app.app.get<unknown, { pubSub: { ee: EventEmitter } }>(notifier).pubSub;
    return sum + ee.eventNames().reduce((count, name) => count + ee.listenerCount(name), 0);
  }, 0);
}

/** A raw graphql-transport-ws socket past connection_ack: what the server sent since, how it closed. */
async function signedIn(app: TestApp, token: string) {
  const socket = new WebSocket(wsUrl(app), 'graphql-transport-ws');
  const messages: Message[] = [];
  let closed: number | undefined;
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8'))));
  socket.on('close', (code) => (closed = code));
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(
    JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
  );
  await until(() => messages.length > 0);
  expect(messages.shift()?.type).toBe('connection_ack');
  return {
    socket,
    messages,
    closed: () => closed,
    subscribe: (id: string, query: string, variables?: Record<string, unknown>) =>
      socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } })),
    complete: (id: string) => socket.send(JSON.stringify({ id, type: 'complete' })),
    /** Closes the socket and waits until the server has returned its subscriptions. */
    async close(before: number) {
      socket.close();
      await until(() => liveSubscriptions(app) === before);
    },
  };
}

const summary = (messages: Message[]) =>
  messages.map(({ id, type, payload }) => [id, type, payload?.[0]?.extensions?.code]);

describe('graphql-ws: each operation a socket starts ends with it, within its limit', () => {
  const logs = new LogLines();
  const app = appForSuite({
    // The deep document below reaches graphql-js's stack limit before the token limit.
    env: {
      GRAPHQL_WS_MAX_SUBSCRIPTIONS: '2',
      GRAPHQL_MAX_TOKENS: '1000000',
      GRAPHQL_MAX_RESPONSE_BYTES: '4000',
      LOG_LEVEL: 'error',
    },
    logDestination: logs,
  });
  let fay: string;

  beforeAll(async () => {
    fay = await app.token(people.fay);
  });

  afterEach(() => {
    expect(logs.lines.filter((line) => line.level >= 50)).toEqual([]);
  });

  it('an id subscribed again after its complete runs once: nothing started for it before is left running, nor after the socket closes', async () => {
    const before = liveSubscriptions(app);
    const ws = await signedIn(app, fay);
    // Each `complete` comes while its subscribe is still being prepared (rate limit checked).
    for (let round = 0; round < 10; round++) {
      ws.subscribe('x', AUDIT);
      ws.complete('x');
    }
    ws.subscribe('x', AUDIT);
    await until(() => liveSubscriptions(app) > before);
    await sleep(300);
    expect(liveSubscriptions(app) - before).toBe(1);
    expect(ws.messages).toEqual([]);
    await ws.close(before);
    expect(liveSubscriptions(app)).toBe(before);
  });

  it('counts admitted subscriptions against GRAPHQL_WS_MAX_SUBSCRIPTIONS, not pending ones: of four sent at once, the first two run', async () => {
    const before = liveSubscriptions(app);
    const ws = await signedIn(app, fay);
    for (const id of ['a', 'b', 'c', 'd']) ws.subscribe(id, AUDIT);
    await until(() => ws.messages.length >= 2);
    await sleep(300);
    expect(summary(ws.messages)).toEqual([
      ['c', 'error', 'OPERATION_LIMIT_EXCEEDED'],
      ['d', 'error', 'OPERATION_LIMIT_EXCEEDED'],
    ]);
    expect(liveSubscriptions(app) - before).toBe(2);
    await ws.close(before);
  });

  it('refuses the ids `__proto__` and `constructor` with an error, and keeps the socket', async () => {
    const ws = await signedIn(app, fay);
    ws.subscribe('__proto__', AUDIT);
    ws.subscribe('constructor', AUDIT);
    ws.subscribe('me', '{ me { userId } }');
    await until(() => ws.messages.length >= 4 || ws.closed() !== undefined);
    expect(ws.closed()).toBeUndefined();
    expect(summary(ws.messages)).toEqual([
      ['__proto__', 'error', 'BAD_REQUEST'],
      ['constructor', 'error', 'BAD_REQUEST'],
      ['me', 'next', undefined],
      ['me', 'complete', undefined],
    ]);
    await ws.close(liveSubscriptions(app));
  });

  it('refuses a document too deeply nested to parse, an unknown operation and invalid variables as HTTP does, and keeps the socket', async () => {
    const depth = 20_000; // over GRAPHQL_MAX_TOKENS, within GRAPHQL_WS_MAX_SUBSCRIBE_BYTES
    const refused: [string, string, Record<string, unknown>?][] = [
      [`{ me { userId(x: ${'['.repeat(depth)}1${']'.repeat(depth)}) } }`, 'GRAPHQL_PARSE_FAILED'],
      ['query A { me { userId } } query B { me { userId } }', 'OPERATION_RESOLUTION_FAILURE'],
      ['query ($n: Int) { auditLog(first: $n) { totalCount } }', 'INVALID_INPUT', { n: 'five' }],
    ];
    const ws = await signedIn(app, fay);
    for (const [query, code, variables] of refused) {
      expect((await app.gql(fay, query, variables)).errors?.[0].extensions?.code).toBe(code);
      ws.messages.length = 0;
      ws.subscribe('refused', query, variables);
      await until(() => ws.messages.length > 0 || ws.closed() !== undefined);
      expect(ws.closed()).toBeUndefined();
      expect(summary(ws.messages)).toEqual([['refused', 'error', code]]);
    }
    await ws.close(liveSubscriptions(app));
  });

  it('refuses a mutation (BAD_REQUEST, nothing recorded): it goes over HTTP, where it is logged, idempotent and answered once visible', async () => {
    const recorded = eventCount(app);
    const register =
      'mutation { registerAzureSubscription(input: { displayName: "over a socket" }) { id } }';
    const ws = await signedIn(app, fay);
    ws.subscribe('write', register);
    await until(() => ws.messages.length > 0);
    expect(summary(ws.messages)).toEqual([['write', 'error', 'BAD_REQUEST']]);
    expect(ws.closed()).toBeUndefined();
    expect(eventCount(app)).toBe(recorded);
    await ws.close(liveSubscriptions(app));
  });

  it('holds an answer to GRAPHQL_MAX_RESPONSE_BYTES as HTTP does: RESPONSE_TOO_LARGE, and the socket kept', async () => {
    const large = '{ __schema { types { name description fields { name description } } } }';
    expect((await app.gql(fay, large)).errors?.[0].extensions?.code).toBe('RESPONSE_TOO_LARGE');
    const ws = await signedIn(app, fay);
    ws.subscribe('large', large);
    ws.subscribe('me', '{ me { userId } }');
    await until(() => ws.messages.length >= 4 || ws.closed() !== undefined);
    expect(ws.closed()).toBeUndefined();
    const answers = Object.fromEntries(
      ws.messages
        .filter(({ type }) => type === 'next')
        .map(({ id, payload }) => [id, payload as { data?: unknown; errors?: Message['payload'] }]),
    );
    expect(answers.large).toEqual({
      errors: [
        expect.objectContaining({
          extensions: expect.objectContaining({ code: 'RESPONSE_TOO_LARGE' }),
        }),
      ],
    });
    expect(answers.me).toEqual({ data: { me: { userId: 'fay' } } });
    await ws.close(liveSubscriptions(app));
  });
});
