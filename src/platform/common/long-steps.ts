/**
 * A long synchronous step (a query index build over a whole read model) blocks its thread's event
 * loop, so a projection worker sends no heartbeat meanwhile: it says so first, and its thread's
 * watchdog waits (ProjectionThread) instead of taking it for hung. Elsewhere nobody listens.
 */
let listener: ((what: string) => void) | undefined;

/** The projection worker listens (one per thread: each worker has its own module state). */
export function onLongSteps(announce: (what: string) => void): void {
  listener = announce;
}

/** Announces a long step about to block this thread. */
export function longStep(what: string): void {
  listener?.(what);
}
