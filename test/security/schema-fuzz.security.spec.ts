import { GraphQLSchemaHost } from '@nestjs/graphql';
import { acceptedCustomers, removeDataDir, startApp, type TestApp } from '../support/app';
import { EsdbDouble } from '../support/esdb-double/esdb-double';
import { LogLines } from '../support/log-lines';
import { SchemaFuzz } from '../support/schema-fuzz';
import { watchTableScans } from '../support/table-scans';
import { READ_STORE, type ReadStore } from '../../src/platform/read-store/read-store';
import { people } from '../support/tenants';

/** A generous bound per operation: the run's length is fixed, a shared 2-core machine's speed is not. */
const MS_PER_OPERATION = 40;
/**
 * On SQLite, enough to have met the audit log's time-range pages after a rebuild (fixed
 * 2026-12-01); on the EventStoreDB double, another seed, for what only that store does.
 */
const RUNS = [
  { store: 'SQLite', esdb: false, operations: 3_000, seed: 1 },
  { store: 'EventStoreDB (the gRPC double)', esdb: true, operations: 1_000, seed: 2 },
];

/**
 * Every query and mutation of the schema, called at random by every kind of caller with values of
 * the right types, some known, some hostile, ids learnt from earlier answers, and the Operator's
 * rebuilds among them: whatever is asked, the answer is data or a refusal with a stable code,
 * never an internal error. And no statement run on the read store meanwhile (requests, the
 * projections, the GDAP scheduler) reads a whole read-model table or index, but a totalCount.
 */
describe.each(RUNS)('the whole API under random operations, on $store', (run) => {
  let double: EsdbDouble | undefined;
  let app: TestApp;
  const logs = new LogLines();
  let scans: ReturnType<typeof watchTableScans>;

  beforeAll(async () => {
    double = run.esdb ? await EsdbDouble.start({ batchAppend: true }) : undefined;
    app = await startApp({
      env: {
        LOG_LEVEL: 'error',
        RATE_LIMIT_PER_MINUTE: '0',
        ...(double ? { EVENTSTORE_URL: double.url } : {}),
      },
      logDestination: logs,
    });
    await acceptedCustomers(app, await app.token(people.ann), 2);
    scans = watchTableScans(app.app.get<ReadStore>(READ_STORE));
  });
  afterAll(async () => {
    scans.stop();
    await app.close();
    await double?.stop();
    removeDataDir(app.dataDir);
  });

  it(
    `${run.operations} random operations answer data or a coded refusal, never an internal error`,
    async () => {
      const fuzz = new SchemaFuzz(app.app.get(GraphQLSchemaHost).schema, run.seed);
      const tokens = await Promise.all(Object.values(people).map((claims) => app.token(claims)));
      const internal: string[] = [];
      for (let call = 0; call < run.operations; call++) {
        const { name, query, variables } = fuzz.next();
        const answer = await app.gql(tokens[call % tokens.length], query, variables);
        fuzz.learn(answer.data);
        for (const error of answer.errors ?? []) {
          const code = error.extensions?.code;
          if (code === undefined || code === 'INTERNAL_SERVER_ERROR') {
            internal.push(`${name} ${JSON.stringify(variables).slice(0, 300)}: ${error.message}`);
          }
        }
      }
      expect({
        internal,
        logged: logs.lines.map((line) => String(line.msg)).slice(0, 3),
        tableScans: Object.fromEntries(scans.scans),
      }).toEqual({ internal: [], logged: [], tableScans: {} });
    },
    run.operations * MS_PER_OPERATION,
  );
});
