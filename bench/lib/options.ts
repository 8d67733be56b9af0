import { join } from 'node:path';

export type Mode = 'full' | 'quick' | 'tiny';

export const FIGURE_NAMES = [
  'append',
  'command',
  'rebuild',
  'rebuild-each',
  'http',
  'http-page',
  'lag',
  'startup',
  'revocation',
  'pages',
  'scaleout',
  'soak',
  'gdap-pages',
  'page-growth',
  'rebuild-writes',
] as const;
export type FigureName = (typeof FIGURE_NAMES)[number];

/** Sizes per mode: `full` is the published run, `quick` about a minute, `tiny` the smoke test's. */
export interface Sizes {
  runs: number;
  append: { fullSyncEvents: number; normalSyncEvents: number; streams: number };
  command: { commands: number; writers: number[]; busyPairs: number; backgroundEvents: number };
  /** `eachEvents`: the store each projection is rebuilt from alone (its rows are held in memory). */
  rebuild: { events: number; runs: number; eachEvents: number };
  http: { seconds: number; mutations: number; pageCustomers: number; connections: number };
  lag: { seconds: number; commandsPerSecond: number };
  startup: { events: number; burstMs: number; runs: number };
  revocation: { pairs: number; writers: number };
  customersPage: { sizes: number[]; requests: number };
  /** Figure 12: the same page at a small and a large size. */
  pageGrowth: { customers: number[]; auditEntries: number[]; requests: number };
  /** A past Customers page of 50 whose customers each hold `others` subscriptions of another partner. */
  pastPage: { others: number; requests: number };
  scaleout: { customers: number; seconds: number; connections: number; tail: number };
  soak: { seconds: number; writesPerSecond: number };
  /** Figure 13: the store rebuilt blue/green while `mutations` invitations are written. */
  rebuildWrites: { events: number; mutations: number };
}

const SIZES: Record<Mode, Sizes> = {
  full: {
    runs: 5,
    append: { fullSyncEvents: 20_000, normalSyncEvents: 100_000, streams: 10_000 },
    command: { commands: 10_000, writers: [1, 4, 16], busyPairs: 2_000, backgroundEvents: 100_000 },
    rebuild: { events: 1_000_000, runs: 3, eachEvents: 200_000 },
    http: { seconds: 10, mutations: 10_000, pageCustomers: 200, connections: 10 },
    lag: { seconds: 10, commandsPerSecond: 1000 },
    startup: { events: 1_000_000, burstMs: 2_000, runs: 3 },
    revocation: { pairs: 500, writers: 16 },
    customersPage: { sizes: [1_000, 100_000], requests: 1_000 },
    pageGrowth: { customers: [1_000, 100_000], auditEntries: [1_000, 1_000_000], requests: 2_000 },
    pastPage: { others: 200, requests: 500 },
    scaleout: { customers: 20_000, seconds: 10, connections: 12, tail: 200 },
    soak: { seconds: 600, writesPerSecond: 50 },
    rebuildWrites: { events: 200_000, mutations: 1_000 },
  },
  quick: {
    runs: 3,
    append: { fullSyncEvents: 1_000, normalSyncEvents: 5_000, streams: 2_000 },
    command: { commands: 400, writers: [1, 4, 16], busyPairs: 300, backgroundEvents: 5_000 },
    rebuild: { events: 30_000, runs: 3, eachEvents: 30_000 },
    http: { seconds: 1, mutations: 400, pageCustomers: 200, connections: 10 },
    lag: { seconds: 1.5, commandsPerSecond: 1000 },
    startup: { events: 20_000, burstMs: 300, runs: 2 },
    revocation: { pairs: 100, writers: 16 },
    customersPage: { sizes: [1_000, 100_000], requests: 200 },
    pageGrowth: { customers: [1_000, 100_000], auditEntries: [1_000, 1_000_000], requests: 500 },
    pastPage: { others: 200, requests: 100 },
    scaleout: { customers: 1_000, seconds: 1.5, connections: 12, tail: 50 },
    soak: { seconds: 20, writesPerSecond: 50 },
    rebuildWrites: { events: 30_000, mutations: 300 },
  },
  tiny: {
    runs: 1,
    append: { fullSyncEvents: 50, normalSyncEvents: 200, streams: 50 },
    command: { commands: 60, writers: [1, 4], busyPairs: 20, backgroundEvents: 200 },
    rebuild: { events: 1_000, runs: 1, eachEvents: 1_000 },
    http: { seconds: 0.3, mutations: 30, pageCustomers: 20, connections: 2 },
    lag: { seconds: 0.2, commandsPerSecond: 200 },
    startup: { events: 500, burstMs: 200, runs: 1 },
    revocation: { pairs: 3, writers: 4 },
    customersPage: { sizes: [100, 1_000], requests: 10 },
    pageGrowth: { customers: [100, 1_000], auditEntries: [100, 2_000], requests: 10 },
    pastPage: { others: 5, requests: 5 },
    scaleout: { customers: 30, seconds: 0.3, connections: 6, tail: 5 },
    soak: { seconds: 2, writesPerSecond: 20 },
    rebuildWrites: { events: 1_000, mutations: 10 },
  },
};

export interface BenchOptions {
  mode: Mode;
  sizes: Sizes;
  only: FigureName[];
  out: string;
  seed: number;
  /** Printed progress; the smoke test silences it. */
  log: (line: string) => void;
}

export const DEFAULT_OUT = join(__dirname, '../results/latest.json');

export const USAGE = `usage: npm run bench [-- [--help] [--quick | --tiny] [--only ${FIGURE_NAMES.join(',')}] [--out FILE] [--runs N] [--seed N] [--soak-seconds N]]`;

/** A command line the bench cannot run: told with the usage line, without a stack trace. */
export class BenchUsageError extends Error {}

export function parseOptions(argv: readonly string[]): BenchOptions {
  let mode: Mode = 'full';
  let only: FigureName[] = [...FIGURE_NAMES];
  let out = DEFAULT_OUT;
  let seed = 20240601;
  let runs: number | undefined;
  let soakSeconds: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new BenchUsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--quick') mode = 'quick';
    else if (arg === '--tiny') mode = 'tiny';
    else if (arg === '--out') out = value();
    else if (arg === '--seed') seed = Number(value());
    else if (arg === '--runs') runs = Number(value());
    else if (arg === '--soak-seconds') soakSeconds = Number(value());
    else if (arg === '--only') only = value().split(',').map(figureName);
    else throw new BenchUsageError(`unknown option ${arg}`);
  }
  const sizes = structuredClone(SIZES[mode]);
  if (runs !== undefined) {
    if (!Number.isInteger(runs) || runs < 1)
      throw new BenchUsageError(`--runs must be a positive integer`);
    sizes.runs = runs;
    sizes.rebuild.runs = runs;
    sizes.startup.runs = runs;
  }
  if (soakSeconds !== undefined) {
    if (!(soakSeconds > 0)) throw new BenchUsageError(`--soak-seconds must be a positive number`);
    sizes.soak.seconds = soakSeconds;
  }
  return { mode, sizes, only, out, seed, log: (line) => console.log(line) };
}

function figureName(name: string): FigureName {
  const known = FIGURE_NAMES.find((candidate) => candidate === name.trim());
  if (!known)
    throw new BenchUsageError(`unknown figure "${name}"; known: ${FIGURE_NAMES.join(', ')}`);
  return known;
}
