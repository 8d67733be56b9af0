import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import { mintToken } from '../../src/platform/auth/token-minter';
import type { TokenClaims } from '../../src/platform/auth/token-claims';
import { createApp } from '../../src/bootstrap';
import type { Clock } from '../../src/platform/config/clock';
import { loadSettings, type Settings } from '../../src/platform/config/settings';
import { Readiness } from '../../src/platform/health/readiness';
import { customerAdmin, people } from './tenants';

export const TEST_SECRET = 'test-secret-for-e2e-only-0123456789abcdef';

/** A clock the test moves by hand (invitation expiry). */
export class ManualClock implements Clock {
  constructor(private current = new Date()) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface GraphQLResponse<Data = any> {
  data?: Data;
  errors?: { message: string; extensions?: { code?: string; rule?: string } }[];
  extensions?: Record<string, unknown>;
}

export interface TestApp {
  app: INestApplication;
  url: string;
  dataDir: string;
  settings: Settings;
  clock: ManualClock;
  token(claims: TokenClaims): Promise<string>;
  gql<Data = any>(
    token: string | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<Data>>;
  close(): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  env?: Record<string, string>;
  clock?: ManualClock;
  waitUntilReady?: boolean;
  /** Where the server's JSON logs go (with LOG_LEVEL in `env`; silent by default). */
  logDestination?: DestinationStream;
}

/**
 * Boots the real app on a random port over a fresh (or given) DATA_DIR; by default returns once it
 * is ready (read models caught up), as a client of a started server sees it.
 */
export async function startApp(options: StartOptions = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'partner-ledger-'));
  const settings = loadSettings({
    DATA_DIR: dataDir,
    AUTH_SECRET: TEST_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const clock = options.clock ?? new ManualClock();
  const app = await createApp({ settings, clock, logDestination: options.logDestination });
  await app.listen(0, '127.0.0.1');
  if (options.waitUntilReady !== false && !(await app.get(Readiness).whenReady(60_000))) {
    await app.close();
    throw new Error('the app was not ready within 60 s');
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    url,
    dataDir,
    settings,
    clock,
    token: (claims) => mintToken(TEST_SECRET, claims),
    async gql(token, query, variables) {
      const call = request(url).post('/graphql').set('content-type', 'application/json');
      if (token) call.set('authorization', `Bearer ${token}`);
      const response = await call.send({ query, variables });
      return response.body as GraphQLResponse;
    },
    async close() {
      await app.close();
    },
  };
}

export function removeDataDir(dataDir: string): void {
  rmSync(dataDir, { recursive: true, force: true });
}

/** Several instances on one store: closes each and removes its data directory. */
export async function closeInstances(instances: readonly TestApp[]): Promise<void> {
  for (const instance of instances) {
    await instance.close();
    removeDataDir(instance.dataDir);
  }
}

/**
 * `describe(title)` once on the SQLite store and once on the EventStoreDB double (`onEsdb`), each
 * titled ", on <store>": the stores every story and interleaving runs on.
 */
export function describeOnBothStores(title: string, body: (onEsdb: boolean) => void): void {
  describe.each([
    ['SQLite', false],
    ['EventStoreDB (the gRPC double)', true],
  ])(`${title}, on %s`, (_store, onEsdb) => body(onEsdb));
}

/**
 * The app of the enclosing `describe`: started (with `options`; on an EventStoreDB double when
 * `onEsdbDouble`) before its first test, closed, the double stopped and its DATA_DIR removed after
 * its last. It forwards to the started app, so read it inside hooks and tests only.
 */
export function appForSuite(options: StartOptions & { onEsdbDouble?: boolean } = {}): TestApp {
  let started: TestApp | undefined;
  let double: { url: string; stop(): Promise<void> } | undefined;
  beforeAll(async () => {
    if (options.onEsdbDouble) {
      const { EsdbDouble } = await import('./esdb-double/esdb-double');
      double = await EsdbDouble.start({ batchAppend: true });
    }
    const env = { ...options.env, ...(double ? { EVENTSTORE_URL: double.url } : {}) };
    started = await startApp({ ...options, env });
  });
  afterAll(async () => {
    await started?.close();
    await double?.stop();
    if (started) removeDataDir(started.dataDir);
  });
  return new Proxy({} as TestApp, {
    get(_target, key) {
      if (!started) throw new Error('the suite’s app is started in beforeAll: read it in a test');
      return Reflect.get(started, key) as unknown;
    },
  });
}

const REQUEST_WITH_DAP = `mutation { requestResellerRelationship(input: { includeDelegatedAdmin: true }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { customerTenantId } }`;

/** Customers 0..count-1 (see `customerAdmin`) each accept an invitation with DAP from `partner`. */
export async function acceptedCustomers(app: TestApp, partner: string, count: number) {
  for (let index = 0; index < count; index++) {
    const invitation = await app.gql(partner, REQUEST_WITH_DAP);
    const accepted = await app.gql(await app.token(customerAdmin(index)), ACCEPT, {
      id: invitation.data.requestResellerRelationship.id,
    });
    if (accepted.errors) throw new Error(JSON.stringify(accepted.errors));
  }
}

/**
 * A data dir in which Fabrikam's Global admin (fay) accepted an invitation with DAP from Contoso
 * Partners (ann), written by a server that is closed again: for tests that change what is stored
 * before the next start.
 */
export async function dataDirWithAcceptedInvitation(): Promise<{
  dataDir: string;
  invitationId: string;
}> {
  const app = await startApp();
  try {
    const ann = await app.token(people.ann);
    const invitation = await app.gql(ann, REQUEST_WITH_DAP);
    const invitationId = invitation.data.requestResellerRelationship.id as string;
    const accepted = await app.gql(await app.token(people.fay), ACCEPT, { id: invitationId });
    if (accepted.errors) throw new Error(JSON.stringify(accepted.errors));
    return { dataDir: app.dataDir, invitationId };
  } finally {
    await app.close();
  }
}
