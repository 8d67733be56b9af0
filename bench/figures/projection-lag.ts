import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { catchUpReadModels, copyDataDir, scenarioFile } from '../lib/fixtures';
import { openLedger } from '../lib/ledger';
import type { BenchOptions } from '../lib/options';
import type { Scenario } from '../lib/population';
import { Random } from '../lib/random';
import { RawLedger } from '../lib/raw-ledger';
import { buildFigure, type Figure, type Sample } from '../lib/report';
import { alternate, inScratchDir } from '../lib/scratch';
import { Latencies, nowMs } from '../lib/stats';
import { type CommandKind, commandPlan, CommandSource } from './command-path';

/**
 * Issues `plan` open-loop at `rate` commands/s, whether or not earlier ones finished, as
 * independent clients would; resolves when every command settled. Returns the achieved rate.
 */
async function openLoop(
  plan: CommandKind[],
  rate: number,
  issue: (kind: CommandKind) => Promise<unknown> | void,
): Promise<number> {
  const inFlight: Promise<unknown>[] = [];
  const started = nowMs();
  let issued = 0;
  while (issued < plan.length) {
    const due = Math.min(plan.length, Math.floor(((nowMs() - started) * rate) / 1000) + 1);
    while (issued < due) {
      const outcome = issue(plan[issued++]);
      if (outcome) inFlight.push(outcome);
    }
    await sleep(1);
  }
  const seconds = (nowMs() - started) / 1000;
  await Promise.allSettled(inFlight);
  return plan.length / seconds;
}

async function productLag(
  prepared: string,
  dir: string,
  plan: CommandKind[],
  scenario: Scenario,
  rate: number,
  seed: number,
  options: BenchOptions,
): Promise<Sample> {
  copyDataDir(prepared, dir);
  const ledger = await openLedger(dir);
  // Commit times, by position: read right after each append is announced, before the engine runs.
  const head = new Database(join(dir, 'events.db'), { readonly: true });
  const headPosition = head.prepare<[], { p: number }>('SELECT MAX(position) AS p FROM events');
  let lastHead = headPosition.get()?.p ?? 0;
  const appendedAt = new Map<number, number>();
  const stopHearing = ledger.store.onAppended(() => {
    const at = nowMs();
    const position = headPosition.get()?.p ?? 0;
    for (let p = lastHead + 1; p <= position; p++) appendedAt.set(p, at);
    lastHead = Math.max(lastHead, position);
  });
  const lags = new Latencies();
  ledger.engine.onApplied((page) => {
    const at = nowMs();
    for (const event of page) {
      const appended = appendedAt.get(event.position);
      if (appended === undefined) continue;
      lags.record(at - appended);
      appendedAt.delete(event.position);
    }
  });
  const source = new CommandSource(scenario, Random.for(seed, 'command-source'));
  let refused = 0;
  const achieved = await openLoop(plan, rate, (kind) =>
    source
      .next(kind)
      .run((command) => ledger.bus.execute(command as never))
      .catch((error: Error) => {
        if (refused++ === 0) options.log(`    first refusal: ${error.message}`);
      }),
  );
  await ledger.engine.waitFor(lastHead, 10_000);
  stopHearing();
  await ledger.close();
  head.close();
  const latency = lags.percentiles();
  return {
    value: latency.p99,
    latency,
    details: { achievedCommandsPerSecond: achieved, refused, events: latency.count },
  };
}

/** The floor: raw appends at the same schedule, each projected at once (no scheduling at all). */
async function rawLag(
  prepared: string,
  dir: string,
  plan: CommandKind[],
  scenario: Scenario,
  rate: number,
  seed: number,
): Promise<Sample> {
  copyDataDir(prepared, dir);
  const raw = new RawLedger(dir, scenario, seed);
  const appendedAt = new Map<number, number>();
  const lags = new Latencies();
  let lastHead = raw.head;
  await openLoop(plan, rate, (kind) => {
    raw.command(kind);
    const appended = nowMs();
    const head = raw.head;
    for (let p = lastHead + 1; p <= head; p++) appendedAt.set(p, appended);
    lastHead = head;
    const positions = raw.project();
    const visible = nowMs();
    for (const position of positions) lags.record(visible - (appendedAt.get(position) ?? visible));
  });
  raw.close();
  const latency = lags.percentiles();
  return { value: latency.p99, latency };
}

/** Figure 5: how long an appended event takes to show in every read model, under steady load. */
export async function projectionLagFigures(options: BenchOptions): Promise<Figure[]> {
  const { lag, runs, command } = options.sizes;
  return inScratchDir(async (dir) => {
    const prepared = join(dir, 'prepared');
    mkdirSync(prepared);
    const total = Math.round(lag.commandsPerSecond * lag.seconds);
    const scenario = scenarioFile(prepared, {
      seed: options.seed,
      backgroundEvents: command.backgroundEvents,
      pageCustomers: 0,
      pendingInvitations: 0,
      removablePairs: total,
      busyPairs: command.busyPairs,
    });
    await catchUpReadModels(prepared);
    const plan = commandPlan(total, options.seed + 1);
    let run = 0;
    const fresh = () => {
      const runDir = join(dir, `run-${run++}`);
      mkdirSync(runDir);
      return runDir;
    };
    options.log(`  ${lag.commandsPerSecond} commands/s for ${lag.seconds} s × ${runs} runs`);
    const samples = await alternate(
      runs,
      () =>
        productLag(prepared, fresh(), plan, scenario, lag.commandsPerSecond, options.seed, options),
      () => rawLag(prepared, fresh(), plan, scenario, lag.commandsPerSecond, options.seed),
    );
    return [
      buildFigure(
        {
          id: 'lag.p99',
          figure: 5,
          title: `projection lag at ${lag.commandsPerSecond} commands/s, p99`,
          workload: `${total} commands (the command path's mix) issued open-loop at ${lag.commandsPerSecond}/s; lag of every event from its append to the read models showing it`,
          unit: 'ms',
          better: 'lower',
          limitLabel:
            'raw better-sqlite3: the same appends, each followed at once by a raw projector (one upserted table)',
          targets: (figure) => [{ text: 'p99 ≤ 20 ms', met: figure.product.median <= 20 }],
        },
        samples.product,
        samples.limit,
      ),
    ];
  });
}
