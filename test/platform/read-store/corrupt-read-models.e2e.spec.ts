import Database from 'better-sqlite3';
import { readdirSync, writeFileSync } from 'node:fs';
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
});
