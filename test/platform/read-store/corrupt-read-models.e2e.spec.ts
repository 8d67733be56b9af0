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

describe('a corrupt read-models.db', () => {
  let app: TestApp | undefined;
  afterAll(async () => {
    await app?.close();
    if (app) removeDataDir(app.dataDir);
  });

  it('is detected at start, set aside with a log line naming the file, and the read models are rebuilt', async () => {
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
});
