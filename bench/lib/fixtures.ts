import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readiness } from '../../src/platform/health/readiness';
import { cachedEventFile } from './event-file';
import { openLedger } from './ledger';
import {
  generatePopulation,
  generateScenario,
  type Scenario,
  type ScenarioOptions,
} from './population';

/** Copies a generated history of `events` realistic events (cached between runs) to `file`. */
export function populationFile(file: string, events: number, seed: number): void {
  cachedEventFile(`population-${events}-${seed}`, file, (emit) => {
    generatePopulation({ seed, events }, emit);
    return null;
  });
}

/** A background population plus a scenario's fixtures in `dir/events.db` (cached between runs). */
export function scenarioFile(dir: string, options: ScenarioOptions): Scenario {
  const key = `scenario-${Object.values(options).join('-')}`;
  return cachedEventFile(key, join(dir, 'events.db'), (emit) => generateScenario(options, emit));
}

/** Brings `dir`'s read models up to date once, so each run can start from a copy of both files. */
export async function catchUpReadModels(dir: string): Promise<void> {
  const ledger = await openLedger(dir);
  // init() starts the catch-up; ready means it reached the head (and follow-ups completed).
  if (!(await ledger.app.get(Readiness).whenReady(600_000))) {
    throw new Error(`the read models in ${dir} did not catch up within 10 minutes`);
  }
  await ledger.close();
}

/** Copies a prepared data directory's databases into a fresh one. */
export function copyDataDir(from: string, to: string): void {
  for (const name of ['events.db', 'read-models.db']) {
    if (existsSync(join(from, name))) copyFileSync(join(from, name), join(to, name));
  }
}
