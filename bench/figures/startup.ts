import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { mintToken } from '../../src/platform/auth/token-minter';
import { populationFile } from '../lib/fixtures';
import type { BenchOptions } from '../lib/options';
import { buildFigure, type Figure, type Sample } from '../lib/report';
import { inScratchDir } from '../lib/scratch';
import { BENCH_SECRET, type ServerProcess, startBareServer, startServer } from '../lib/server';
import { nowMs } from '../lib/stats';

const agentClaims = {
  sub: 'bench-agent',
  name: 'Bench agent',
  tid: 'bench-partner',
  tenant_kind: 'partner' as const,
  tenant_name: 'Bench Partner',
  roles: ['AdminAgent'],
};

async function gql(url: string, token: string, query: string, variables?: object): Promise<any> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

/**
 * Invitations requested by 10 concurrent clients until `ms` pass, then SIGKILL while requests
 * are still in flight. Returns the ids the server acknowledged.
 */
async function burstThenKill(server: ServerProcess, token: string, ms: number): Promise<string[]> {
  const acknowledged: string[] = [];
  const until = nowMs() + ms;
  const client = async () => {
    while (nowMs() < until) {
      try {
        const body = await gql(
          server.url,
          token,
          'mutation { requestResellerRelationship(input: {}) { id } }',
        );
        const id = body.data?.requestResellerRelationship?.id as string | undefined;
        if (id) acknowledged.push(id);
      } catch {
        return; // the kill cut the connection
      }
    }
  };
  const clients = Array.from({ length: 10 }, client);
  await new Promise((resolve) => setTimeout(resolve, ms));
  await server.stop('SIGKILL');
  await Promise.all(clients);
  return acknowledged;
}

/** How many acknowledged invitations the restarted server does not show (must be 0). */
async function lostAfterRestart(
  server: ServerProcess,
  token: string,
  ids: string[],
): Promise<number> {
  let lost = 0;
  // Batches stay under GRAPHQL_MAX_ALIASES (15): a refused query must not read as lost writes.
  for (let i = 0; i < ids.length; i += 10) {
    const batch = ids.slice(i, i + 10);
    const query = `{ ${batch.map((id, n) => `i${n}: invitation(id: "${id}") { id }`).join(' ')} }`;
    const body = await gql(server.url, token, query);
    if (body.errors) throw new Error(`the check was refused: ${JSON.stringify(body.errors)}`);
    lost += batch.filter((_, n) => !body.data?.[`i${n}`]).length;
  }
  return lost;
}

interface Run {
  cold: Sample;
  coldLimit: Sample;
  warm: Sample;
  warmLimit: Sample;
  memory: Sample;
  memoryLimit: Sample;
  recovery: Sample;
  recoveryLimit: Sample;
}

async function oneRun(dir: string, source: string, options: BenchOptions): Promise<Run> {
  const product = join(dir, 'product');
  const bare = join(dir, 'bare');
  mkdirSync(product);
  mkdirSync(bare);
  copyFileSync(source, join(product, 'events.db'));
  copyFileSync(source, join(bare, 'events.db'));
  const token = await mintToken(BENCH_SECRET, agentClaims, { ttl: '12h' });

  options.log('    cold start (read models empty: the server catches up first)');
  const cold = await startServer(product);
  const coldPeak = cold.peakRssMb();
  await cold.stop();
  const coldBare = await startBareServer(bare, { BARE_REPLAY: '1' });
  const coldBarePeak = coldBare.peakRssMb();
  await coldBare.stop();

  options.log('    warm start (read models current)');
  const warm = await startServer(product);
  const warmPeak = warm.peakRssMb();
  const warmBare = await startBareServer(bare);
  await warmBare.stop();

  options.log(`    write burst for ${options.sizes.startup.burstMs} ms, kill -9, restart`);
  const acknowledged = await burstThenKill(warm, token, options.sizes.startup.burstMs);
  const recovered = await startServer(product);
  const lost = await lostAfterRestart(recovered, token, acknowledged);
  await recovered.stop();
  const killedBare = await startBareServer(bare);
  await killedBare.stop('SIGKILL');
  const recoveredBare = await startBareServer(bare);
  await recoveredBare.stop();

  return {
    cold: { value: cold.readyMs },
    coldLimit: { value: coldBare.readyMs },
    warm: { value: warm.readyMs, details: { peakRssMb: warmPeak } },
    warmLimit: { value: warmBare.readyMs },
    memory: { value: coldPeak, details: { warmPeakRssMb: warmPeak } },
    memoryLimit: { value: coldBarePeak },
    recovery: {
      value: recovered.readyMs,
      details: { acknowledgedWrites: acknowledged.length, lostAcknowledgedWrites: lost },
    },
    recoveryLimit: { value: recoveredBare.readyMs },
  };
}

/** Figure 6: start-up time and peak memory with a large store, and recovery after kill -9. */
export async function startupFigures(options: BenchOptions): Promise<Figure[]> {
  const { events, runs } = options.sizes.startup;
  const size = events.toLocaleString('en-US');
  return inScratchDir(async (dir) => {
    const source = join(dir, 'source.db');
    options.log(`  generating ${size} events (cached between runs)`);
    populationFile(source, events, options.seed);
    const results: Run[] = [];
    for (let run = 0; run < runs; run++) {
      const runDir = join(dir, `run-${run}`);
      mkdirSync(runDir);
      options.log(`  run ${run + 1} of ${runs}`);
      results.push(await oneRun(runDir, source, options));
    }
    const pick = (key: keyof Run) => results.map((result) => result[key]);
    const time = { unit: 'ms', better: 'lower' as const, figure: 6 };
    return [
      buildFigure(
        {
          ...time,
          id: 'startup.cold',
          title: `cold start, ${size} events`,
          workload: `spawn → /health/ready 200; the read models are empty, so every event is replayed first`,
          limitLabel:
            'a bare process launched the same way that replays the same events into one upserted table, then listens',
        },
        pick('cold'),
        pick('coldLimit'),
      ),
      buildFigure(
        {
          ...time,
          id: 'startup.warm',
          title: `warm start, ${size} events`,
          workload: 'spawn → /health/ready 200; read models already current',
          limitLabel:
            'a bare process launched the same way that opens the same events.db and listens',
        },
        pick('warm'),
        pick('warmLimit'),
      ),
      buildFigure(
        {
          id: 'startup.peak-rss',
          figure: 6,
          title: `peak memory (RSS), cold start, ${size} events`,
          workload: 'VmHWM of the server process once it is ready after replaying every event',
          unit: 'MB',
          better: 'lower',
          limitLabel: 'VmHWM of the bare replaying process',
        },
        pick('memory'),
        pick('memoryLimit'),
      ),
      buildFigure(
        {
          ...time,
          id: 'startup.recovery',
          title: `recovery after kill -9 during writes, ${size} events`,
          workload: `10 clients request invitations for ${options.sizes.startup.burstMs} ms, the server is killed with SIGKILL mid-burst, then restarted: spawn → read models LIVE; every acknowledged write must be visible`,
          limitLabel: 'the bare process killed with SIGKILL, then started again',
          targets: (figure) => [
            {
              text: 'no acknowledged write lost',
              met: (figure.details?.lostAcknowledgedWrites ?? 1) === 0,
            },
          ],
        },
        pick('recovery'),
        pick('recoveryLimit'),
      ),
    ];
  });
}
