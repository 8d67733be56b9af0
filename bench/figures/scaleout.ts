import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mintToken } from '../../src/platform/auth/token-minter';
import { backupDataDir } from '../../src/platform/backup/backup';
import { loadSettings } from '../../src/platform/config/settings';
import { EsdbEventStore } from '../../src/platform/event-store/esdb/esdb-event-store';
import { EsdbDouble } from '../../test/support/esdb-double/esdb-double';
import { writeStory } from '../../test/support/story';
import { loadGraphQL } from '../lib/load';
import type { BenchOptions } from '../lib/options';
import { buildFigure, type Figure, type Sample } from '../lib/report';
import { inScratchDir } from '../lib/scratch';
import { BENCH_SECRET, type ServerProcess, startServer } from '../lib/server';

const PAGE = `{ customers(first: 50) { totalCount nodes { tenantId name delegatedAdmin { status } } } }`;

/** writeStory's partner 0, which holds a third of the customers. */
const partnerZero = () =>
  mintToken(
    BENCH_SECRET,
    {
      sub: 'agent-0',
      name: 'Agent 0',
      tid: 'partner-0',
      tenant_kind: 'partner',
      tenant_name: 'Partner 0',
      roles: ['AdminAgent'],
    },
    { ttl: '12h' },
  );

/** User plus system CPU of a process and all its threads so far, in ms (Linux /proc). */
function cpuMs(server: ServerProcess): number {
  const stat = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Figure 8: several instances on one EventStoreDB. Read throughput of the Customers page (cache
 * off) on 1, 2 and 3 instances at the same total number of connections, with the servers' CPU
 * per request; and the time a new instance takes to serve, from a copy of another's read models
 * (backup) against from an empty read store. The store is the gRPC double in this process: no
 * EventStoreDB server can run here.
 */
export async function scaleoutFigures(options: BenchOptions): Promise<Figure[]> {
  const { scaleout, runs } = options.sizes;
  const double = await EsdbDouble.start({ batchAppend: true });
  const store = new EsdbEventStore(double.url);
  const servers: ServerProcess[] = [];
  try {
    return await inScratchDir(async (dir) => {
      options.log(`  writing ${scaleout.customers} customers' acceptances to the store`);
      await writeStory(store, scaleout.customers, 3);
      const env = { EVENTSTORE_URL: double.url, GRAPHQL_RESPONSE_CACHE: 'off' };
      const instanceDir = (name: string) => {
        const path = join(dir, name);
        mkdirSync(path, { mode: 0o700 });
        return path;
      };
      const firstDir = instanceDir('instance-0');
      servers.push(await startServer(firstDir, env));
      for (let index = 1; index < 3; index++)
        servers.push(await startServer(instanceDir(`instance-${index}`), env));
      const token = await partnerZero();

      const readOn = async (count: number): Promise<Sample> => {
        const using = servers.slice(0, count);
        const before = using.map(cpuMs);
        const samples = await Promise.all(
          using.map((server) =>
            loadGraphQL({
              url: server.url,
              connections: scaleout.connections / count,
              duration: scaleout.seconds,
              next: () => ({ token, query: PAGE }),
              check: (body) => !body.errors && body.data?.customers?.nodes?.length > 0,
            }),
          ),
        );
        const requests = samples.reduce((sum, sample) => sum + (sample.details?.requests ?? 0), 0);
        const cpu = using.reduce((sum, server, index) => sum + cpuMs(server) - before[index], 0);
        return {
          value: samples.reduce((sum, sample) => sum + sample.value, 0),
          latency: samples[0].latency,
          details: {
            requests,
            failed: samples.reduce((sum, sample) => sum + (sample.details?.failed ?? 0), 0),
            serverCpuMsPerRequest: requests ? cpu / requests : 0,
          },
        };
      };

      options.log(`  Customers page on 1, 2 and 3 instances × ${runs} runs`);
      const byCount: Sample[][] = [[], [], []];
      await readOn(3); // warm-up: JIT, page cache
      for (let run = 0; run < runs; run++) {
        for (let count = 1; count <= 3; count++) byCount[count - 1].push(await readOn(count));
      }
      const figures = byCount.map((samples, index) => {
        const count = index + 1;
        // The limit: the same run's single instance, times the number of instances.
        const linear = byCount[0].map((one) => ({ value: one.value * count }));
        return buildFigure(
          {
            id: `scaleout.read.${count}`,
            figure: 8,
            title: `Customers page on ${count} instance${count > 1 ? 's' : ''} of one store`,
            workload: `partner 0's Customers page (50 of ${Math.ceil(scaleout.customers / 3)} customers), cache off, ${scaleout.seconds} s per run, ${scaleout.connections} connections spread over the instances; details.serverCpuMsPerRequest is the servers' CPU (all threads) per answered request`,
            unit: 'requests/s',
            limitLabel: `one instance's rate in the same run × ${count} (linear scaling)`,
          },
          samples,
          linear,
        );
      });

      options.log('  a new instance from a copy of instance 0 against one from empty × runs');
      const fromCopy: Sample[] = [];
      const fromEmpty: Sample[] = [];
      for (let run = 0; run < runs; run++) {
        const copy = join(dir, `copy-${run}`);
        await backupDataDir(loadSettings({ DATA_DIR: firstDir, EVENTSTORE_URL: double.url }), copy);
        await writeStory(store, scaleout.tail, 3, scaleout.customers + run * scaleout.tail);
        const copied = await startServer(copy, env);
        fromCopy.push({ value: copied.readyMs });
        await copied.stop();
        const empty = await startServer(instanceDir(`empty-${run}`), env);
        fromEmpty.push({ value: empty.readyMs });
        await empty.stop();
      }
      figures.push(
        buildFigure(
          {
            id: 'scaleout.start-from-copy',
            figure: 8,
            title: 'new instance: spawn to /health/ready, from a copy of read models',
            workload: `${double.log.all().length.toLocaleString('en-US')} events in the store; the copy (backup of instance 0) misses the last ${scaleout.tail} customers' events`,
            unit: 'ms',
            better: 'lower',
            limitLabel: 'the same instance from an empty read store (replays everything)',
          },
          fromCopy,
          fromEmpty,
        ),
      );
      return figures;
    });
  } finally {
    for (const server of servers) await server.stop();
    await store.close();
    await double.stop();
  }
}
