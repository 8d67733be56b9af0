import Database from 'better-sqlite3';
import request from 'supertest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  dataDirWithAcceptedInvitation,
  removeDataDir,
  startApp,
  type TestApp,
} from '../../support/app';
import { LogLines } from '../../support/log-lines';
import { people } from '../../support/tenants';

const CUSTOMERS = `{ customers { nodes { tenantId } } }`;
const INVITE = `mutation { requestResellerRelationship(input: { includeDelegatedAdmin: true }) { id } }`;
const INVITATIONS = `{ invitationsConnection { totalCount } }`;

describe('read models the server cannot trust at start', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    if (app) removeDataDir(app.dataDir);
    app = undefined;
  });

  it('a corrupt read-models.db is detected at start, set aside with a log line naming the file, and the read models are rebuilt', async () => {
    const { dataDir } = await dataDirWithAcceptedInvitation();
    const file = resolve(dataDir, 'read-models.db');
    writeFileSync(file, 'not a database\n'.repeat(1000));

    const logs = new LogLines();
    app = await startApp({ dataDir, env: { LOG_LEVEL: 'error' }, logDestination: logs });
    const ann = await app.token(people.ann);
    expect((await app.gql(ann, CUSTOMERS)).data.customers.nodes).toEqual([
      { tenantId: 'fabrikam' },
    ]);
    const aside = readdirSync(dataDir).filter((name) => name.startsWith('read-models.db.corrupt-'));
    expect(aside).toHaveLength(1);
    const line = logs.lines.find((candidate) => String(candidate.msg).includes(file));
    expect(line?.msg).toContain(`set aside as ${join(dataDir, aside[0])}`);
  });

  it('read models ahead of the events are detected at start (an events.db that lost its last events), set aside and rebuilt, so new events show', async () => {
    const { dataDir } = await dataDirWithAcceptedInvitation();
    const events = new Database(join(dataDir, 'events.db'));
    // The acceptance and what followed it are gone, as a lost write-ahead log or an older copy would leave it.
    const accepted = events
      .prepare<[], { position: number }>(
        "SELECT position FROM events WHERE type = 'InvitationAccepted'",
      )
      .get()!.position;
    events.prepare('DELETE FROM events WHERE position >= ?').run(accepted);
    events.close();

    const logs = new LogLines();
    app = await startApp({ dataDir, env: { LOG_LEVEL: 'error' }, logDestination: logs });
    const ann = await app.token(people.ann);
    expect((await app.gql(ann, CUSTOMERS)).data.customers.nodes).toEqual([]);
    const file = resolve(dataDir, 'read-models.db');
    const aside = readdirSync(dataDir).filter((name) => name.startsWith('read-models.db.ahead-'));
    expect(aside.filter((name) => !/-(wal|shm)$/.test(name))).toHaveLength(1);
    const line = logs.lines.find((candidate) => String(candidate.msg).includes(file));
    expect(line?.msg).toContain('past the event store');
    // A new event takes the lost one's position, and shows.
    const again = await app.gql(ann, INVITE);
    expect(again.errors).toBeUndefined();
    expect((await app.gql(ann, INVITATIONS)).data.invitationsConnection.totalCount).toBe(2);
  });

  // CLI probe: an older events.db put back beside idempotency.db replayed the answer of a request
  // whose events it no longer held, naming an invitation that did not exist.
  it('answers kept for events an older events.db lacks are forgotten at start, with a warning naming idempotency.db; the key then runs anew', async () => {
    app = await startApp();
    const { dataDir } = app;
    const invite = async (key: string) => {
      const answer = await request(app!.url)
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${await app!.token(people.ann)}`)
        .set('idempotency-key', key)
        .send({ query: INVITE });
      return answer.body.data.requestResellerRelationship.id as string;
    };
    const kept = await invite('kept');
    const lost = await invite('lost');
    await app.close();
    const events = new Database(join(dataDir, 'events.db'));
    // The second request's events are gone, as an older copy of events.db would leave it.
    events
      .prepare(
        'DELETE FROM events WHERE position >= (SELECT MIN(position) FROM events WHERE stream_id = ?)',
      )
      .run(`invitation-${lost}`);
    events.close();

    const logs = new LogLines();
    app = await startApp({ dataDir, env: { LOG_LEVEL: 'warn' }, logDestination: logs });

    expect(await invite('kept')).toBe(kept);
    const again = await invite('lost');
    expect(again).not.toBe(lost);
    const ann = await app.token(people.ann);
    const found = await app.gql(ann, `query ($id: ID!) { invitation(id: $id) { id } }`, {
      id: again,
    });
    expect(found.data.invitation).toEqual({ id: again });
    const warned = logs.lines.filter((line) =>
      String(line.msg).includes(resolve(dataDir, 'idempotency.db')),
    );
    expect(warned).toEqual([
      expect.objectContaining({ level: 40, msg: expect.stringContaining('kept 1 answers') }),
    ]);
  });

  it("a parallel replay's file left by a process that died is removed at start with a warning, not an error: nothing is wrong now", async () => {
    const { dataDir } = await dataDirWithAcceptedInvitation();
    const gone = spawnSync(process.execPath, ['-e', '']).pid; // a process that has exited
    const leftover = join(dataDir, `read-models.db.replay-${gone}-1-0`);
    writeFileSync(leftover, 'half a replay');

    const logs = new LogLines();
    app = await startApp({ dataDir, env: { LOG_LEVEL: 'info' }, logDestination: logs });
    expect(existsSync(leftover)).toBe(false);
    const discarded = logs.lines.filter((line) =>
      String(line.msg).includes(`read-models.db.replay-${gone}-1-0`),
    );
    expect(discarded).toEqual([expect.objectContaining({ level: 40 })]);
    expect(logs.lines.filter((line) => line.level >= 50)).toEqual([]);
  });
});
