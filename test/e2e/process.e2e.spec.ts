import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { PROJECTIONS } from '../../src/capabilities';
import { TokenVerifier } from '../../src/platform/auth/token-verifier';
import { loadSettings } from '../../src/platform/config/settings';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { ReadStore } from '../../src/platform/read-store/read-store';
import { appForSuite, removeDataDir, startApp, TEST_SECRET } from '../support/app';
import { writeStory } from '../support/story';
import { people } from '../support/tenants';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');
const npm = (args: string[], env: Record<string, string>) =>
  run('npm', ['run', '-s', ...args], { cwd: ROOT, env: { ...process.env, ...env } });

const INVITE = 'mutation { requestResellerRelationship(input: {}) { id } }';
const ACCEPT =
  'mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { customerTenantId } }';
const PAGE = '{ customers { totalCount nodes { tenantId name } } invitations { id status } }';

describe('the process contract', () => {
  it('restart: events written, app closed, started again on the same DATA_DIR, pages intact', async () => {
    const first = await startApp();
    const ann = await first.token(people.ann);
    const id = (await first.gql(ann, INVITE)).data.requestResellerRelationship.id;
    await first.gql(await first.token(people.fay), ACCEPT, { id });
    const before = await first.gql(ann, PAGE);
    await first.close();

    const second = await startApp({ dataDir: first.dataDir });
    try {
      const after = await second.gql(await second.token(people.ann), PAGE);
      expect(after).toEqual(before);
      expect(after.data.customers.totalCount).toBe(1);
    } finally {
      await second.close();
      removeDataDir(first.dataDir);
    }
  });

  describe('HTTP', () => {
    const app = appForSuite();

    it('answers 413 for a body over 1 MB, and appends nothing', async () => {
      const query = `mutation { requestResellerRelationship(input: {}) { id } } # ${'x'.repeat(1024 * 1024)}`;
      const response = await request(app.url)
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${await app.token(people.ann)}`)
        .send({ query });
      expect(response.status).toBe(413);
      const invitations = await app.gql(await app.token(people.ann), '{ invitations { id } }');
      expect(invitations.data.invitations).toEqual([]);
    });

    it('answers 400 for a body that is not JSON (401 without a token: its body is not read)', async () => {
      const response = await request(app.url)
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${await app.token(people.ann)}`)
        .send('{"query": ');
      expect(response.status).toBe(400);
      expect(response.body.errors[0].extensions.code).toBe('BAD_REQUEST');
      const anonymous = await request(app.url)
        .post('/graphql')
        .set('content-type', 'application/json')
        .send('{"query": ');
      expect(anonymous.status).toBe(401);
    });

    it('projectionStatus is for the Operator only', async () => {
      const refused = await app.gql(await app.token(people.ann), '{ projectionStatus { name } }');
      expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const allowed = await app.gql(
        await app.token(people.opal),
        '{ projectionStatus { name status } }',
      );
      expect(allowed.data.projectionStatus).toContainEqual({ name: 'customers', status: 'LIVE' });
    });

    it('rebuildProjections over the API yields the same pages, and refuses unknown names and an empty list', async () => {
      const ann = await app.token(people.ann);
      const id = (await app.gql(ann, INVITE)).data.requestResellerRelationship.id;
      await app.gql(await app.token(people.wes), ACCEPT, { id });
      const before = await app.gql(ann, PAGE);
      const opal = await app.token(people.opal);
      const rebuilt = await app.gql(
        opal,
        'mutation { rebuildProjections { name status build { version state progress } } }',
      );
      // Built beside the live versions (blue/green) and switched: no build is left.
      expect(
        rebuilt.data.rebuildProjections.every(
          (p: { status: string; build: unknown }) => p.status === 'LIVE' && p.build === null,
        ),
      ).toBe(true);
      expect(await app.gql(ann, PAGE)).toEqual(before);
      const unknown = await app.gql(
        opal,
        'mutation { rebuildProjections(names: ["nope"]) { name } }',
      );
      expect(unknown.errors?.[0].extensions?.code).toBe('INVALID_INPUT');
      // An empty list names nothing: refused, never read as "all" (inPlace would empty them all).
      const none = await app.gql(
        opal,
        'mutation { rebuildProjections(names: [], inPlace: true) { name } }',
      );
      expect(none.errors?.[0].extensions?.code).toBe('INVALID_INPUT');
      const statuses = await app.gql(opal, '{ projectionStatus { status } }');
      expect(
        statuses.data.projectionStatus.every((p: { status: string }) => p.status === 'LIVE'),
      ).toBe(true);
    });
  });

  describe('command line', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-cli-'));
    const env = { DATA_DIR: dataDir, AUTH_SECRET: TEST_SECRET };
    afterAll(() => removeDataDir(dataDir));

    it('token prints one verifiable token line with the given claims', async () => {
      const { stdout } = await npm(
        [
          'token',
          '--',
          '--tenant',
          'fabrikam',
          '--kind',
          'customer',
          '--roles',
          'GlobalAdmin',
          '--user',
          'fay',
          '--name',
          'Fay',
          '--domain',
          'fabrikam.onmicrosoft.com',
        ],
        env,
      );
      expect(stdout.trim().split('\n')).toHaveLength(1);
      const actor = await TokenVerifier.fromSettings(loadSettings(env)).verify(
        `Bearer ${stdout.trim()}`,
      );
      expect(actor).toEqual({
        userId: 'fay',
        name: 'Fay',
        tenantId: 'fabrikam',
        tenantKind: 'customer',
        tenantDomain: 'fabrikam.onmicrosoft.com',
        roles: ['GlobalAdmin'],
      });
    });

    it('token refuses an unknown tenant kind', async () => {
      await expect(
        npm(['token', '--', '--tenant', 't', '--kind', 'admin', '--user', 'u', '--name', 'n'], env),
      ).rejects.toMatchObject({
        stderr: expect.stringContaining("argument 'admin' is invalid"),
      });
    });

    it('projections rebuild replays every event and prints a summary; status shows checkpoints', async () => {
      const store = new SqliteEventStore(join(dataDir, 'events.db'));
      await writeStory(store, 4);
      const head = await store.headPosition();
      await store.close();

      const { stdout } = await npm(['projections', '--', 'rebuild'], env);
      expect(stdout).toMatch(
        new RegExp(
          `^rebuilt all projections: ${head} events in \\d+\\.\\d\\d s \\(\\d+ events/s\\)$`,
          'm',
        ),
      );
      const reads = new ReadStore(join(dataDir, 'read-models.db'));
      expect(reads.get('SELECT COUNT(*) AS n FROM customers')).toEqual({ n: 4 });
      reads.close();

      const status = await npm(['projections', '--', 'status'], env);
      for (const { name, version } of PROJECTIONS) {
        expect(status.stdout).toMatch(
          new RegExp(`'${name}'\\s*│\\s*${version}\\s*│\\s*${head}\\s*│\\s*0\\s*│\\s*'LIVE'`),
        );
      }
    });

    it('demo writes a story into an empty store, prints working tokens, and refuses a second time', async () => {
      const demoDir = mkdtempSync(join(tmpdir(), 'partner-ledger-demo-'));
      const demoEnv = { DATA_DIR: demoDir, AUTH_SECRET: TEST_SECRET };
      try {
        const { stdout } = await npm(['demo'], demoEnv);
        const tokens = Object.fromEntries(
          [...stdout.matchAll(/^export ([A-Z]+)=(\S+)/gm)].map(([, who, token]) => [who, token]),
        );
        expect(Object.keys(tokens)).toEqual(['ANN', 'SAM', 'HAL', 'FAY', 'WES', 'OPAL']);
        const verifier = TokenVerifier.fromSettings(loadSettings(demoEnv));
        await expect(verifier.verify(`Bearer ${tokens.FAY}`)).resolves.toMatchObject({
          userId: 'fay',
          roles: ['GlobalAdmin'],
        });
        await expect(npm(['demo'], demoEnv)).rejects.toMatchObject({
          stderr: expect.stringContaining('already holds events'),
        });
        const app = await startApp({ dataDir: demoDir });
        try {
          const page = await app.gql(
            tokens.ANN,
            '{ customers { nodes { name delegatedAdmin { status } } } }',
          );
          expect(page.data.customers.nodes).toEqual([
            { name: 'Fabrikam', delegatedAdmin: { status: 'ACTIVE' } },
            { name: 'Woodgrove', delegatedAdmin: { status: 'NONE' } },
          ]);
        } finally {
          await app.close();
        }
      } finally {
        removeDataDir(demoDir);
      }
    });

    it('projections rebuild of an unknown name fails with the known names', async () => {
      await expect(npm(['projections', '--', 'rebuild', 'nope'], env)).rejects.toMatchObject({
        stderr: expect.stringContaining(
          `Unknown projection "nope"; known: ${PROJECTIONS.map((p) => p.name).join(', ')}`,
        ),
      });
    });
  });
});
