import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RequestResellerRelationship } from '../../src/invitations/request-reseller-relationship';
import { Readiness } from '../../src/platform/health/readiness';
import { SPEC_ACTOR } from '../../test/support/projection-spec';
import { copyDataDir, populationFile } from '../lib/fixtures';
import { openLedger } from '../lib/ledger';
import type { BenchOptions } from '../lib/options';
import { buildFigure, type Figure, type Sample } from '../lib/report';
import { alternate, inScratchDir } from '../lib/scratch';
import { Latencies, nowMs } from '../lib/stats';

/** Ann, an Admin Agent of contoso-partners, invites the customers. */
const partner = SPEC_ACTOR;
const ENV = { SQLITE_SYNCHRONOUS: 'NORMAL' };

/**
 * One run on a copy of `prepared`: `mutations` invitations, one after another, each answered once
 * every live read model shows it (read-your-writes); with `rebuilding`, every read model is
 * rebuilt blue/green (`projections rebuild`, again and again) the whole time.
 */
async function invitations(
  prepared: string,
  dir: string,
  mutations: number,
  rebuilding: boolean,
): Promise<Sample> {
  copyDataDir(prepared, dir);
  const ledger = await openLedger(dir, ENV);
  try {
    // As on a server that took traffic before the rebuild was asked for.
    await ledger.app.get(Readiness).whenReady(60_000);
    let done = false;
    let rebuilds = 0;
    const rebuilder = (async () => {
      while (rebuilding && !done) {
        await ledger.engine.rebuild();
        rebuilds += 1;
      }
    })();
    // Let the first build start before the writes.
    if (rebuilding) await new Promise((resolve) => setTimeout(resolve, 50));
    const latencies = new Latencies();
    let notVisible = 0;
    for (let index = 0; index < mutations; index++) {
      const started = nowMs();
      const answered = ledger.gateway.execute(
        new RequestResellerRelationship(
          { actor: partner, correlationId: randomUUID() },
          {
            type: 'RequestResellerRelationship',
            actor: partner,
            invitationId: randomUUID(),
            includeDelegatedAdmin: true,
            intendedCustomer: null,
          },
        ),
        () => undefined,
      );
      // Recorded but not shown within READ_YOUR_WRITES_TIMEOUT_MS: counted, its wait recorded.
      await answered.catch(() => (notVisible += 1));
      latencies.record(nowMs() - started);
    }
    done = true;
    const completedDuringWrites = rebuilds;
    await rebuilder;
    const latency = latencies.percentiles();
    return {
      value: latency.p99,
      latency,
      details: {
        notVisible,
        ...(rebuilding ? { rebuildsCompletedDuringWrites: completedDuringWrites } : {}),
      },
    };
  } finally {
    await ledger.close();
  }
}

/** Figure 13: mutation latency while every read model is rebuilt blue/green, against idle. */
export async function rebuildWritesFigures(options: BenchOptions): Promise<Figure[]> {
  const { events, mutations } = options.sizes.rebuildWrites;
  return inScratchDir(async (dir) => {
    const prepared = join(dir, 'prepared');
    mkdirSync(prepared);
    options.log(`  generating ${events.toLocaleString('en-US')} events (cached between runs)`);
    populationFile(join(prepared, 'events.db'), events, options.seed);
    // Caught up once (ready), so each run starts from a copy of both files.
    const catchingUp = await openLedger(prepared, ENV);
    await catchingUp.app.get(Readiness).whenReady(600_000);
    await catchingUp.close();
    let run = 0;
    const fresh = () => {
      const runDir = join(dir, `run-${run++}`);
      mkdirSync(runDir);
      return runDir;
    };
    options.log(`  ${mutations} invitations, rebuilding and idle × ${options.sizes.runs} runs`);
    const samples = await alternate(
      options.sizes.runs,
      () => invitations(prepared, fresh(), mutations, true),
      () => invitations(prepared, fresh(), mutations, false),
    );
    return [
      buildFigure(
        {
          id: 'rebuild-writes.request',
          figure: 13,
          title: `requestResellerRelationship p99 while every read model is rebuilt blue/green (${events.toLocaleString('en-US')} events)`,
          workload: `${mutations} invitations one after another, in-process through the command gateway (read-your-writes: each waits for every live read model), while \`rebuild()\` replays every projection beside the live ones again and again; synchronous=NORMAL, projections in their worker thread unless PROJECTION_THREAD says otherwise`,
          unit: 'ms (p99)',
          better: 'lower',
          limitLabel: 'the same invitations with no rebuild (idle read models), same store',
          targets: (figure) => [
            {
              text: 'every answer shows its write (read-your-writes within READ_YOUR_WRITES_TIMEOUT_MS)',
              met: (figure.details?.notVisible ?? 1) === 0,
            },
          ],
        },
        samples.product,
        samples.limit,
      ),
    ];
  });
}
