import Database from 'better-sqlite3';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PROJECTIONS } from '../../src/capabilities';
import { TokenVerifier } from '../../src/platform/auth/token-verifier';
import { loadSettings } from '../../src/platform/config/settings';
import { describeEventStore } from '../../src/platform/event-store/event-store.factory';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import type { ProjectionStatus } from '../../src/platform/projection-engine/projection';
import { ProjectionEngine } from '../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../src/platform/read-store/read-store';
import { removeDataDir, TEST_SECRET } from '../support/app';
import { markWrittenByNewerVersion } from '../support/events';
import { gatedStore } from '../support/gated-store';
import { writeStory } from '../support/story';
import { SOURCE_LOADER } from '../../src/platform/common/worker-file';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');
const npm = (args: string[], env: Record<string, string>) =>
  run('npm', ['run', '-s', ...args], { cwd: ROOT, env: { ...process.env, ...env } });

describe('the command line', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-cli-'));
  const env = { DATA_DIR: dataDir, AUTH_SECRET: TEST_SECRET };
  let head: number;
  beforeAll(async () => {
    const store = new SqliteEventStore(join(dataDir, 'events.db'));
    await writeStory(store, 3);
    head = await store.headPosition();
    await store.close();
  });
  afterAll(() => removeDataDir(dataDir));

  it('eval "$(npm run -s demo)" sets a variable with a working token for each person', async () => {
    const demoDir = mkdtempSync(join(tmpdir(), 'partner-ledger-demo-'));
    try {
      const { stdout, stderr } = await run(
        'bash',
        ['-c', 'set -e; eval "$(npm run -s demo)"; printf "%s\\n" "$ANN" "$FAY" "$OPAL"'],
        { cwd: ROOT, env: { ...process.env, DATA_DIR: demoDir, AUTH_SECRET: TEST_SECRET } },
      );
      const [ann, fay, opal] = stdout.trim().split('\n');
      const verifier = TokenVerifier.fromSettings(loadSettings({ ...env, DATA_DIR: demoDir }));
      await expect(verifier.verify(`Bearer ${ann}`)).resolves.toMatchObject({ userId: 'ann' });
      await expect(verifier.verify(`Bearer ${fay}`)).resolves.toMatchObject({ userId: 'fay' });
      await expect(verifier.verify(`Bearer ${opal}`)).resolves.toMatchObject({ userId: 'opal' });
      expect(stderr).toContain(`event store: SQLite ${resolve(demoDir, 'events.db')}`);
    } finally {
      removeDataDir(demoDir);
    }
  });

  // CLI probe: two demos started together both found the store empty and wrote two stories.
  it('two demos started together on one empty DATA_DIR: one writes its story, the other is refused', async () => {
    const demoDir = mkdtempSync(join(tmpdir(), 'partner-ledger-demo-race-'));
    try {
      const demo = () =>
        npm(['demo'], { DATA_DIR: demoDir, AUTH_SECRET: TEST_SECRET }).then(
          ({ stderr }) => ({ code: 0, stderr }),
          (error: { code: number; stderr: string }) => error,
        );
      const outcomes = await Promise.all([demo(), demo()]);
      expect(outcomes.map((outcome) => outcome.code).sort()).toEqual([0, 1]);
      const written = outcomes.find((outcome) => outcome.code === 0)!.stderr;
      const events = Number(/demo story written \((\d+) events\)/.exec(written)?.[1]);
      expect(outcomes.find((outcome) => outcome.code === 1)!.stderr).toMatch(
        /another partner-ledger process \(a server, or another demo\) holds DATA_DIR|already holds events/,
      );
      const store = new SqliteEventStore(join(demoDir, 'events.db'));
      try {
        expect(await store.headPosition()).toBe(events);
      } finally {
        await store.close();
      }
    } finally {
      removeDataDir(demoDir);
    }
  });

  it('projections status --json prints every projection as JSON, and stderr names the stores it opened', async () => {
    await npm(['projections', '--', 'rebuild'], env);
    const { stdout, stderr } = await npm(['projections', '--', 'status', '--json'], env);
    const rows = JSON.parse(stdout) as { name: string; checkpoint: number; lag: number }[];
    expect(rows.map((row) => row.name)).toEqual(PROJECTIONS.map((p) => p.name));
    expect(rows.every((row) => row.checkpoint === head && row.lag === 0)).toBe(true);
    expect(rows[0]).toEqual({
      name: PROJECTIONS[0].name,
      version: PROJECTIONS[0].version,
      checkpoint: head,
      lag: 0,
      status: 'LIVE',
      deadLetters: 0,
    });
    expect(stderr).toContain(
      `partner-ledger: event store: SQLite ${resolve(dataDir, 'events.db')}; read models: SQLite ${resolve(dataDir, 'read-models.db')}`,
    );
  });

  // CLI probe: console.log drops a failed write, so status to a full disk left an empty file and
  // exited 0; an export's failure was a raw stack trace.
  it.each([
    ['projections status --json', 'projections -- status --json'],
    ['audit export', 'audit -- export --customer customer-1 --format ndjson'],
  ])('%s to a full disk exits 1 saying the output is incomplete', async (_what, command) => {
    const written = run('bash', ['-c', `npm run -s ${command} > /dev/full`], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    const failed = await written.then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain(
      'error: the output cannot be written (ENOSPC: no space left on device, write); it is incomplete',
    );
    expect(failed?.stderr).not.toMatch(/^\s+at /m);
  });

  it('projections rebuild of a read model another process is building exits 1 naming the holder; status shows both versions', async () => {
    const store = new SqliteEventStore(join(dataDir, 'events.db'));
    const reads = new ReadStore(join(dataDir, 'read-models.db'));
    await new ProjectionEngine(store, reads, PROJECTIONS).catchUp();
    const gate = gatedStore(store);
    // Held while its gate is shut (nothing renews it then), however slow the npm calls below are.
    const other = new ProjectionEngine(gate.store, reads, PROJECTIONS, {
      batchSize: 1,
      buildLeaseMs: 10 * 60_000,
    });
    try {
      const building = other.rebuild(['invitations']);
      gate.pass(2);
      await gate.waiting();
      const refused = await npm(['projections', '--', 'rebuild', 'invitations'], env).catch(
        (error: { code: number; stderr: string }) => error,
      );
      expect(refused).toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/invitations is being built by \S+:\d+:/),
      });
      const { stdout } = await npm(['projections', '--', 'status', '--json'], env);
      const invitations = (JSON.parse(stdout) as ProjectionStatus[]).find(
        (row) => row.name === 'invitations',
      );
      expect(invitations).toMatchObject({
        version: 1,
        status: 'LIVE',
        build: { version: 1, state: 'BUILDING', checkpoint: 1, lag: head - 1 },
      });
      // The table says who holds the build, and when nobody does any more (its owner stopped).
      const table = async () => (await npm(['projections', '--', 'status'], env)).stdout;
      expect(await table()).toMatch(/held by \S+:\d+:/);
      const { lease_until: lease } = reads.get<{ lease_until: number }>(
        "SELECT lease_until FROM projection_builds WHERE name = 'invitations'",
      )!;
      reads.run("UPDATE projection_builds SET lease_until = 1 WHERE name = 'invitations'");
      expect(await table()).toContain(
        'its lock expired: the next rebuild or server start resumes it',
      );
      // The JSON says it too, as the table does.
      const left = JSON.parse((await npm(['projections', '--', 'status', '--json'], env)).stdout);
      expect(
        (left as ProjectionStatus[]).find((row) => row.name === 'invitations')?.build,
      ).toMatchObject({
        lock: expect.stringContaining('its lock expired'),
      });
      // CLI probe: a builder killed with kill -9 was still shown holding it until its lock expired.
      const { owner } = reads.get<{ owner: string }>(
        "SELECT owner FROM projection_builds WHERE name = 'invitations'",
      )!;
      const gone = spawnSync(process.execPath, ['-e', '']).pid;
      const [host, , ...rest] = owner.split(':');
      reads.run(
        "UPDATE projection_builds SET owner = ?, lease_until = ? WHERE name = 'invitations'",
        [[host, gone, ...rest].join(':'), lease],
      );
      expect(await table()).toContain(
        'a process of this host that has exited: the next rebuild or server start resumes it',
      );
      reads.run("UPDATE projection_builds SET owner = ? WHERE name = 'invitations'", [owner]);
      gate.open();
      await building;
      const inPlace = await npm(['projections', '--', 'rebuild', '--in-place', 'invitations'], env);
      expect(inPlace.stdout).toMatch(/^rebuilt invitations: \d+ events in/);
    } finally {
      gate.open();
      await other.stop();
      reads.close();
      await store.close();
    }
  });

  it('a stored event of a newer schema version: rebuild says it skipped it, as this product’s warning, not Node’s', async () => {
    const newerDir = mkdtempSync(join(tmpdir(), 'partner-ledger-newer-'));
    try {
      const store = new SqliteEventStore(join(newerDir, 'events.db'));
      await writeStory(store, 2);
      await store.close();
      const newerEnv = { DATA_DIR: newerDir, AUTH_SECRET: TEST_SECRET };
      await npm(['projections', '--', 'rebuild'], newerEnv); // the live read models, then a new build
      // A DAP grant: the pages read it (written by a version newer than this one).
      const position = markWrittenByNewerVersion(
        join(newerDir, 'events.db'),
        'DelegatedAdminGranted',
      );

      const { stderr } = await npm(['projections', '--', 'rebuild'], newerEnv);
      const warning = `\npartner-ledger: warning: skipping DelegatedAdminGranted (schema version 99, UNKNOWN_VERSION) at position ${position} `;
      expect(stderr).toContain(warning);
      expect(stderr).not.toContain('(node:');
      // The same when a replay thread of its own meets it (CLI probe: Node's text, not this one).
      const parallel = await npm(['projections', '--', 'rebuild', '--in-place'], {
        ...newerEnv,
        PROJECTION_PARALLEL_REPLAY_MIN_EVENTS: '0',
      });
      expect(parallel.stderr).toContain(warning);
      expect(parallel.stderr).not.toContain('(node:');
    } finally {
      removeDataDir(newerDir);
    }
  });

  it('a stored event that is not JSON: rebuild finishes and exits 1 naming what failed, dead-letters lists it, retry exits 1 while it stays', async () => {
    const poisonDir = mkdtempSync(join(tmpdir(), 'partner-ledger-poison-'));
    const poisonEnv = { DATA_DIR: poisonDir, AUTH_SECRET: TEST_SECRET };
    try {
      const store = new SqliteEventStore(join(poisonDir, 'events.db'));
      await writeStory(store, 2);
      await store.close();
      const raw = new Database(join(poisonDir, 'events.db'));
      raw.prepare(`UPDATE events SET data = '{not json' WHERE position = 3`).run();
      raw.close();

      const rebuilt = await npm(['projections', '--', 'rebuild'], poisonEnv).catch(
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(rebuilt).toMatchObject({ code: 1 });
      // It replayed every event, but does not claim to have rebuilt what failed.
      expect(rebuilt.stdout).toBe('');
      expect(rebuilt.stderr).toMatch(
        /^replayed \d+ events in .*, but not every read model is whole:$/m,
      );
      expect(rebuilt.stderr).toMatch(
        /audit FAILED: \w+ at position 3: stored JSON cannot be parsed.*; after a fix, `projections retry audit`/,
      );

      const { stdout } = await npm(['projections', '--', 'dead-letters', '--json'], poisonEnv);
      const letters = JSON.parse(stdout) as { projection: string; position: number }[];
      expect(letters).toContainEqual(expect.objectContaining({ projection: 'audit', position: 3 }));
      // A version built beside the live one keeps its letters under its build's name: listed by it.
      const reads = new Database(join(poisonDir, 'read-models.db'));
      reads
        .prepare(
          `INSERT INTO projection_dead_letters (projection, position, event_id, stream_id, type, error, attempts, failed_at)
           SELECT 'customers__v9_abc', position, event_id, stream_id, type, error, attempts, failed_at
           FROM projection_dead_letters WHERE projection = 'audit'`,
        )
        .run();
      reads.close();
      const ofBuild = await npm(
        ['projections', '--', 'dead-letters', 'customers__v9_abc', '--json'],
        poisonEnv,
      );
      expect(JSON.parse(ofBuild.stdout)).toEqual([
        expect.objectContaining({ projection: 'customers__v9_abc', position: 3 }),
      ]);

      // All projections: the build's letter is not theirs, so it is neither retried nor counted.
      const retried = await npm(['projections', '--', 'retry'], poisonEnv).catch(
        (error: { code: number; stdout: string }) => error,
      );
      expect(retried).toMatchObject({ code: 1 });
      expect(retried.stdout).toContain(`retried ${letters.length} dead letter(s): 0 applied`);
    } finally {
      removeDataDir(poisonDir);
    }
  });

  it('a command on EventStoreDB names the server without its credentials', () => {
    const settings = loadSettings({
      ...env,
      EVENTSTORE_URL: 'esdb://admin:changeit@127.0.0.1:9?tls=false',
    });
    expect(describeEventStore(settings)).toBe('EventStoreDB at esdb://127.0.0.1:9?tls=false');
  });

  it('audit export of an unknown customer exits non-zero, says so and writes nothing', async () => {
    const failed = await npm(
      ['audit', '--', 'export', '--customer', 'no-such-customer', '--format', 'csv'],
      env,
    ).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect(failed).toMatchObject({
      code: 1,
      stdout: '',
      stderr: expect.stringContaining('no audit entry concerns customer "no-such-customer"'),
    });
    const known = await npm(
      [
        'audit',
        '--',
        'export',
        '--customer',
        'customer-0',
        '--from',
        '2999-01-01',
        '--format',
        'ndjson',
      ],
      env,
    );
    expect(known.stdout).toBe('');
    expect(known.stderr).toContain('exported 0 entries of customer-0');
  });

  it('customers export writes the filtered Customers page as CSV; a refused filter writes nothing', async () => {
    // writeStory: customer-0 accepted partner-0's invitation with DAP, customer-1 partner-1's without.
    const withDap = await npm(
      ['customers', '--', 'export', '--partner', 'partner-0', '--dap-status', 'ACTIVE'],
      env,
    );
    const lines = withDap.stdout.split('\r\n').filter(Boolean);
    expect(lines[0]).toMatch(/^tenantId,name,domain,/);
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 3))).toEqual([
      ['customer-0', 'Customer 0', 'customer0.onmicrosoft.com'],
    ]);
    expect(withDap.stderr).toContain('exported 1 customers of partner-0');
    const none = await npm(
      ['customers', '--', 'export', '--partner', 'partner-1', '--dap-status', 'ACTIVE'],
      env,
    );
    expect(none.stdout.split('\r\n').filter(Boolean)).toHaveLength(1);
    // An empty name is an unknown service too, not "no filter".
    for (const service of ['Outlook', '']) {
      const refused = await npm(
        ['customers', '--', 'export', '--partner', 'partner-0', '--service-usable', service],
        env,
      ).catch((error: { code: number; stdout: string; stderr: string }) => error);
      expect(refused).toMatchObject({ code: 1, stdout: '' });
      expect(refused.stderr).toContain(`"${service}" is not a service of the Customers page`);
    }
  });

  it('customers export of a partner no customer ever had exits 1, says so and writes nothing', async () => {
    const failed = await npm(['customers', '--', 'export', '--partner', 'nobody'], env).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed).toMatchObject({
      code: 1,
      stdout: '',
      stderr: expect.stringContaining(
        'no customer has had a relationship with partner "nobody": unknown tenant',
      ),
    });
  });

  it('schema --out with an empty path is refused, not written to stdout', async () => {
    const failed = await npm(['schema', '--', '--out', ''], env).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed).toMatchObject({
      code: 1,
      stdout: '',
      stderr: expect.stringContaining('a file path, not an empty one'),
    });
  });

  it('schema --out replaces only a schema file it wrote: the event store named by a slip, or a directory, is refused and left as it was', async () => {
    const events = join(dataDir, 'events.db');
    const before = readFileSync(events);
    const refusal = (out: string) =>
      npm(['schema', '--', '--out', out], env).catch(
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    expect(await refusal(events)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('is not a schema file this command wrote'),
    });
    expect(readFileSync(events).equals(before)).toBe(true);
    expect(await refusal(dataDir)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('is a directory: --out names a file'),
    });
    const pipe = join(dataDir, 'schema-pipe');
    spawnSync('mkfifo', [pipe]);
    expect(await refusal(pipe)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('is not a regular file'),
    });
    const missingDirectory = join(dataDir, 'no-such-directory', 'schema.gql');
    expect(await refusal(missingDirectory)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('cannot be written (ENOENT); nothing was written'),
    });
    const schemaFile = join(dataDir, 'schema.gql');
    await npm(['schema', '--', '--out', schemaFile], env);
    await npm(['schema', '--', '--out', schemaFile], env); // its own file is replaced
    expect(readFileSync(schemaFile, 'utf8')).toContain('type Customer {');
  });

  it('token refuses to mint a local token when an identity provider is configured', async () => {
    const failed = await npm(
      ['token', '--', '--tenant', 't', '--kind', 'partner', '--user', 'u', '--name', 'U'],
      {
        ...env,
        AUTH_JWKS_URL: 'https://login.example.com/keys',
        AUTH_ISSUER: 'https://login.example.com/',
        AUTH_AUDIENCE: 'partner-ledger',
      },
    ).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect(failed).toMatchObject({
      code: 1,
      stdout: '',
      stderr: expect.stringContaining('AUTH_JWKS_URL is set'),
    });
  });

  it('token says which secret signed it', async () => {
    const { stderr } = await npm(
      ['token', '--', '--tenant', 't', '--kind', 'partner', '--user', 'u', '--name', 'U'],
      env,
    );
    expect(stderr).toContain('signed with AUTH_SECRET');
  });

  it('token names the roles that give its user nothing (a typo), and mints it all the same', async () => {
    const { stdout, stderr } = await npm(
      [...token, '--name', 'U', '--roles', 'AdminAgnet,AdminAgent,finance-team'],
      env,
    );
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(stderr).toContain(
      'roles that give a partner user nothing here: AdminAgnet (known: AdminAgent, SalesAgent, HelpdeskAgent, or a group: a lower-case slug)',
    );
  });

  const token = ['token', '--', '--tenant', 't', '--kind', 'partner', '--user', 'u'];
  const refusals: [string[], string][] = [
    [
      [
        'customers',
        '--',
        'export',
        '--partner',
        'partner-0',
        '--service-usable',
        'Exchange',
        '--service-unusable',
        'Exchange',
      ],
      'cannot be used with option',
    ],
    [
      [
        'audit',
        '--',
        'export',
        '--customer',
        'customer-0',
        '--format',
        'csv',
        '--from',
        '2030-01-01',
        '--to',
        '2020-01-01',
      ],
      '--from must be before --to',
    ],
    [[...token, '--name', 'U', '--ttl', '0s'], 'a duration'],
    [[...token, '--name', 'U', '--ttl', '99999999999w'], 'of at most 366d'],
    // What the server checks of a token, checked before one is minted (51 roles, one too many).
    [
      [...token, '--name', 'U', '--roles', Array.from({ length: 51 }, (_, n) => `R${n}`).join()],
      'the server would refuse this token (its claims roles are not valid',
    ],
    [[...token, '--name', 'Ann\u202egnp.exe'], 'control or text-direction'],
    // Quoted back escaped: the terminal shows the characters instead of obeying them.
    [[...token, '--name', 'Ann\u202egnp\u001b[2J.exe'], 'Ann\\u202egnp\\u001b[2J.exe'],
    // The product's own actors' tenant ids, for a partner or customer.
    [
      [
        'token',
        '--',
        '--tenant',
        'Partner-Ledger',
        '--kind',
        'partner',
        '--user',
        'u',
        '--name',
        'U',
      ],
      '--tenant partner-ledger is reserved',
    ],
    [
      ['token', '--', '--tenant', 'operator', '--kind', 'customer', '--user', 'u', '--name', 'U'],
      'is reserved',
    ],
    // An option of one value given twice: the last one would have been taken, silently.
    [[...token, '--name', 'U', '--tenant', 'other'], 'given more than once'],
    [
      ['audit', '--', 'export', '--customer', 'a', '--customer', 'b', '--format', 'ndjson'],
      "option '--customer <id>' argument 'b' is invalid. given more than once",
    ],
  ];
  // One test each: every refusal starts npm and the CLI, a few seconds apiece on a busy 2-core machine.
  it.each(refusals.map(([args, message]) => [message, args] as const))(
    'arguments that contradict themselves or make what the server refuses exit 1 and write nothing (%s)',
    async (message, args) => {
      const failed = await npm(args, env).catch(
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(failed).toMatchObject({
        code: 1,
        stdout: '',
        stderr: expect.stringContaining(message),
      });
    },
  );

  // CLI probe: the path given was printed as is, so its escape sequences acted on the terminal.
  it('backup names the directory it wrote with its escape sequences shown, not run', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'partner-ledger-backup-name-'));
    try {
      const target = join(parent, 'b\u001b[2Jack\u202eup');
      const { stdout } = await npm(['backup', '--', '--to', target], env);
      expect(stdout).toContain(`backup complete in ${join(parent, 'b\\u001b[2Jack\\u202eup')}`);
      expect(stdout).not.toContain('\u001b');
    } finally {
      removeDataDir(parent);
    }
  });

  it('a mistyped DATA_DIR is refused and nothing is created there; a seal hash in upper case is the same hash', async () => {
    const mistyped = join(dataDir, 'no-such-dir');
    for (const args of [
      ['projections', '--', 'status'],
      ['audit', '--', 'verify'],
    ]) {
      const failed = await npm(args, { ...env, DATA_DIR: mistyped }).catch(
        (error: { code: number; stderr: string }) => error,
      );
      expect(failed).toMatchObject({
        code: 1,
        stderr: expect.stringContaining('no event store there'),
      });
    }
    expect(existsSync(mistyped)).toBe(false);
    // A seal hash copied in upper case is the same hash.
    await npm(['projections', '--', 'rebuild'], env);
    const anchored = await npm(['audit', '--', 'verify', '--anchor', 'A'.repeat(64)], env).catch(
      (error: { code: number; stdout: string }) => error,
    );
    expect(anchored.stdout).toContain(`anchored hash ${'a'.repeat(64)}`);
  });

  it('projections rebuild interrupted by Ctrl-C says so and exits 130; the next rebuild finishes it', async () => {
    const slowDir = mkdtempSync(join(tmpdir(), 'partner-ledger-interrupted-'));
    try {
      const store = new SqliteEventStore(join(slowDir, 'events.db'));
      await writeStory(store, 900);
      await store.close();
      // One event per batch: the rebuild takes seconds, so the signal meets it midway.
      const slowEnv = { DATA_DIR: slowDir, AUTH_SECRET: TEST_SECRET, PROJECTION_BATCH_SIZE: '1' };
      const child = spawn(
        process.execPath,
        ['-r', SOURCE_LOADER, join(ROOT, 'src/cli.ts'), 'projections', 'rebuild'],
        { cwd: ROOT, env: { ...process.env, ...slowEnv } },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
      // Its handler is set before the stores are named; 3,750 events take it about 2 s.
      while (!stderr.includes('read models:')) await new Promise((wake) => setTimeout(wake, 20));
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr).toContain('interrupted (SIGINT): the rebuild stops here');
      const again = await npm(['projections', '--', 'rebuild'], {
        DATA_DIR: slowDir,
        AUTH_SECRET: TEST_SECRET,
      });
      expect(again.stdout).toMatch(/^rebuilt all projections/);
    } finally {
      removeDataDir(slowDir);
    }
  });

  it('--version prints the version from package.json', async () => {
    const { stdout } = await run(
      process.execPath,
      ['-r', SOURCE_LOADER, join(ROOT, 'src/cli.ts'), '--version'],
      { cwd: ROOT },
    );
    const { version } = (await import('../../package.json')) as { version: string };
    expect(stdout.trim()).toBe(version);
  });
});
