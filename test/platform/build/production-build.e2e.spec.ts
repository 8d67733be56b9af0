import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { removeDataDir, TEST_SECRET } from '../../support/app';
import { spawnServer } from '../../support/server-process';

const run = promisify(execFile);
const ROOT = join(__dirname, '../../..');

/** Every file under `dir` but node_modules, for a before/after comparison. */
function files(dir: string, under = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.name === 'node_modules') return [];
    return entry.isDirectory() ? files(path, under) : [relative(under, path)];
  });
}

describe('the production build: compiled, production dependencies only, plain node', () => {
  const app = mkdtempSync(join(tmpdir(), 'partner-ledger-build-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-build-data-'));
  const env = { DATA_DIR: dataDir, AUTH_SECRET: TEST_SECRET };

  beforeAll(async () => {
    // What the Dockerfile does: compile, then install only the production dependencies.
    await run('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', join(app, 'dist')], {
      cwd: ROOT,
    });
    for (const file of ['package.json', 'package-lock.json'])
      cpSync(join(ROOT, file), join(app, file));
    await run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: app,
    });
  }, 180_000);
  afterAll(() => {
    removeDataDir(app);
    removeDataDir(dataDir);
  });

  it('installs without the TypeScript runner, the compiler or the test tools', () => {
    for (const devOnly of ['pirates', '@swc/core', 'typescript', 'jest', 'playwright-core']) {
      expect(existsSync(join(app, 'node_modules', devOnly))).toBe(false);
    }
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    expect(manifest.scripts['start:prod']).toBe('exec node --enable-source-maps dist/src/main.js');
  });

  it('serves from dist/ with its projection worker, answers, and writes nothing into its own tree', async () => {
    const before = files(app);
    const server = spawnServer(dataDir, env, {
      args: ['--enable-source-maps', 'dist/src/main.js'],
      cwd: app,
    });
    try {
      const url = await server.url();
      const { stdout: token } = await run(
        process.execPath,
        [
          'dist/src/cli.js',
          'token',
          '--tenant',
          'contoso-partners',
          '--kind',
          'partner',
          '--roles',
          'AdminAgent',
          '--user',
          'ann',
          '--name',
          'Ann',
        ],
        { cwd: app, env: { ...process.env, ...env } },
      );
      const gql = (query: string) =>
        request(url)
          .post('/graphql')
          .set('content-type', 'application/json')
          .set('authorization', `Bearer ${token.trim()}`)
          .send({ query });
      const invited = await gql(
        'mutation { requestResellerRelationship(input: {}) { id status } }',
      );
      expect(invited.body.data.requestResellerRelationship.status).toBe('PENDING');
      // Read-your-writes: the worker thread (dist/…/projection-worker.js) applied it already.
      const listed = await gql('{ invitations { id } }');
      expect(listed.body.data.invitations).toEqual([
        { id: invited.body.data.requestResellerRelationship.id },
      ]);
      expect((await request(url).get('/health/ready')).status).toBe(200);
    } finally {
      await server.stop('SIGTERM');
    }
    expect(files(app)).toEqual(before);
    expect(server.stdout()).toContain('"context":"Server"');
  });
});
