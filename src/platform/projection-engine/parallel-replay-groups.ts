/**
 * What each projection adds to a full replay, in CPU seconds per 200,000 events: its replay alone
 * (`ProjectionEngine.rebuild` of bench figure 3's store at 200,000 events, its query indexes
 * included) minus the engine's own floor (1.22 s, gdap-relationships, which writes no row in that
 * population). Measured 2026-11-30 15:50 UTC on the 2-core machine, load average 2.7 to 4.0, one
 * projection at a time. Audit's again at 18:10 UTC, from figure 3's threads at 1,000,000 events
 * with deferred parsing (load 3.7 to 4.0): 29 s of replay and 13 s of query indexes in the calling
 * thread (thread CPU), 8.5 s per 200,000 events, while the nine others took 23 s together in the
 * worker (4.6 per 200,000 events, less than their listed costs and the overhead add up to: either
 * way the worker takes all of them but gdap-relationships, which writes nothing here). A
 * projection not listed counts as `UNLISTED_COST`. Measure again when a projection's handlers
 * change much.
 */
export const REPLAY_COST: Readonly<Record<string, number>> = {
  audit: 7.3,
  'customers-history': 1.46,
  invitations: 0.88,
  users: 0.85,
  'service-requests': 0.74,
  autopilot: 0.64,
  // 2026-12-02: above the floor, 0.64 s of wall time against autopilot's 0.70 (three runs each).
  'autopilot-device-counts': 0.58,
  subscriptions: 0.58,
  // 2026-12-01: its replay alone took as long as subscriptions' (1.14 against 1.10 s, figure 3).
  'partner-subscriptions': 0.6,
  customers: 0.59,
  'gdap-relationships-history': 0.1,
  'gdap-relationships': 0,
};

const UNLISTED_COST = 0.7;

/**
 * What the worker's group pays beyond its projections, in the same unit: starting the thread and
 * loading the projections (about a second of wall time) and copying its rows into the read store
 * once done (0.6 to 1.1 s measured at 200,000 events for the nine non-audit read models).
 */
export const WORKER_OVERHEAD = 1.5;

/**
 * Splits `names` in two of about equal cost (largest first, each to the lighter side), each in
 * `names`' order: the names the calling thread replays and those a worker thread replays into its own file. The
 * worker's side starts at `WORKER_OVERHEAD`, so the costliest projection (audit) stays in the
 * calling thread and its rows, the most of any, are never copied.
 */
export function balancedGroups(
  names: readonly string[],
  costs: Readonly<Record<string, number>> = REPLAY_COST,
): { here: string[]; worker: string[] } {
  const cost = (name: string) => costs[name] ?? UNLISTED_COST;
  const inWorker = new Set<string>();
  let hereCost = 0;
  let workerCost = WORKER_OVERHEAD;
  for (const name of [...names].sort((a, b) => cost(b) - cost(a))) {
    if (hereCost <= workerCost) {
      hereCost += cost(name);
    } else {
      inWorker.add(name);
      workerCost += cost(name);
    }
  }
  return {
    here: names.filter((name) => !inWorker.has(name)),
    worker: names.filter((name) => inWorker.has(name)),
  };
}
