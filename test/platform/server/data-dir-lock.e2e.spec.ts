import Database from 'better-sqlite3';
import { once } from 'node:events';
import { mkdtempSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeDataDir } from '../../support/app';
import { spawnServer, type ServerProcess } from '../../support/server-process';

describe('one server per DATA_DIR', () => {
  let dataDir: string;
  const servers: ServerProcess[] = [];
  const start = () => {
    const server = spawnServer(dataDir);
    servers.push(server);
    return server;
  };

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-lock-'));
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop('SIGKILL')));
    removeDataDir(dataDir);
  });

  it('a second server on the same DATA_DIR is refused at start, naming it, and the first keeps serving; a killed one leaves no lock', async () => {
    const first = start();
    const url = await first.url();

    const second = start();
    const [code] = (await once(second.child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(second.stderr()).toContain(`another partner-ledger server runs on DATA_DIR ${dataDir}`);
    expect(second.stdout()).not.toContain('listening on');
    expect((await fetch(`${url}/health/live`)).status).toBe(200);

    await first.stop('SIGKILL');
    const third = start();
    expect((await fetch(`${await third.url()}/health/live`)).status).toBe(200);
  }, 60_000);
});

describe('a start on a damaged event store', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-truncated-'));
    const db = new Database(join(dataDir, 'events.db'));
    db.exec('CREATE TABLE filler (x TEXT)');
    for (let n = 0; n < 200; n++) db.prepare('INSERT INTO filler VALUES (?)').run('x'.repeat(500));
    db.close();
    truncateSync(join(dataDir, 'events.db'), 8192); // cut off: SQLite cannot read its schema
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    removeDataDir(dataDir);
  });

  it('exits 1 naming events.db and what mends it, not a bare SQLite error', async () => {
    server = spawnServer(dataDir);
    const [code] = (await once(server.child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(server.stderr()).toContain(
      'events.db in DATA_DIR is damaged (database disk image is malformed); no retry mends it: restore DATA_DIR from a backup',
    );
  }, 60_000);
});
