import Database from 'better-sqlite3';
import { join } from 'node:path';
import { partnerSubscriptionsProjection } from '../../projections/azure-subscriptions/partner-subscriptions.projection';
import { acceptedCustomers, removeDataDir, startApp, type TestApp } from '../support/app';
import { people } from '../support/tenants';

const PAGE = '{ customers(first: 10) { nodes { tenantId } } }';
const INVITE = 'mutation { requestResellerRelationship(input: {}) { id } }';

/**
 * While a new version of a read model that declares no `previous` is built beside the live one
 * (here: by another process that holds the build), this process serves the previous version as it
 * was left, and says so (the Customers page reads the partner-subscriptions read model).
 */
describe('a read model served from its previous version', () => {
  let app: TestApp;
  let ann: string;

  beforeAll(async () => {
    const first = await startApp();
    ann = await first.token(people.ann);
    await acceptedCustomers(first, ann, 2);
    const dataDir = first.dataDir;
    await first.close();

    const reads = new Database(join(dataDir, 'read-models.db'));
    reads
      .prepare('UPDATE projection_checkpoints SET version = ? WHERE name = ?')
      .run(partnerSubscriptionsProjection.version - 1, 'partner-subscriptions');
    reads
      .prepare(
        `INSERT INTO projection_builds
           (name, version, suffix, position, state, error, owner, lease_until, previous_readable, started_at)
         VALUES ('partner-subscriptions', ?, '__v_elsewhere', 0, 'BUILDING', NULL, 'another-host:1:0:x', ?, 1, ?)`,
      )
      .run(partnerSubscriptionsProjection.version, Date.now() + 3_600_000, Date.now());
    reads.close();
    app = await startApp({ dataDir });
  }, 60_000);

  afterAll(async () => {
    await app.close();
    removeDataDir(app.dataDir);
  });

  it('answers from it, naming it in extensions.previousVersions with the position it reached', async () => {
    const answer = await app.gql(ann, PAGE);
    expect(answer.errors).toBeUndefined();
    expect(answer.data.customers.nodes).toHaveLength(2);
    expect(answer.extensions?.previousVersions).toEqual([
      {
        readModel: 'partner-subscriptions',
        version: partnerSubscriptionsProjection.version - 1,
        position: expect.any(Number),
      },
    ]);
  });

  it('an answer that reads only current read models carries no such note', async () => {
    const answer = await app.gql(ann, INVITE);
    expect(answer.errors).toBeUndefined();
    expect(answer.extensions?.previousVersions).toBeUndefined();
  });
});
