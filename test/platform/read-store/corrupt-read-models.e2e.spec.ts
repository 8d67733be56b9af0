import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { removeDataDir, startApp, type TestApp } from '../../support/app';
import { LogLines } from '../../support/log-lines';
import { people } from '../../support/tenants';

const REQUEST = `mutation ($input: RequestResellerRelationshipInput!) { requestResellerRelationship(input: $input) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { delegatedAdmin { status } } }`;
const CUSTOMERS = `{ customers { nodes { tenantId } } }`;

describe('a corrupt read-models.db', () => {
  let app: TestApp | undefined;
  afterAll(async () => {
    await app?.close();
    if (app) removeDataDir(app.dataDir);
  });

  it('is detected at start, set aside with a log line naming the file, and the read models are rebuilt', async () => {
    app = await startApp();
    const ann = await app.token(people.ann);
    const fay = await app.token(people.fay);
    const id = (await app.gql(ann, REQUEST, { input: {} })).data.requestResellerRelationship.id;
    expect((await app.gql(fay, ACCEPT, { id })).errors).toBeUndefined();
    const dataDir = app.dataDir;
    await app.close();
    app = undefined;
    const file = resolve(dataDir, 'read-models.db');
    writeFileSync(file, 'not a database\n'.repeat(1000));

    const logs = new LogLines();
    app = await startApp({ dataDir, env: { LOG_LEVEL: 'error' }, logDestination: logs });
    expect((await app.gql(ann, CUSTOMERS)).data.customers.nodes).toEqual([
      { tenantId: 'fabrikam' },
    ]);
    const aside = readdirSync(dataDir).filter((name) => name.startsWith('read-models.db.corrupt-'));
    expect(aside).toHaveLength(1);
    const line = logs.lines.find((candidate) => String(candidate.msg).includes(file));
    expect(line?.msg).toContain(`set aside as ${join(dataDir, aside[0])}`);
  });
});
