import type { ProjectionStatus } from '../projection-engine/projection';
import type { Projector } from '../projection-engine/projector';

export interface CatchUpSnapshot {
  /** The event store's head position. */
  head: number;
  /** The position every working read model has reached. */
  applied: number;
  percent: number;
}

/** How far the read models are behind the store, from their statuses (checkpoint and lag). */
export function progressOf(statuses: readonly ProjectionStatus[]): CatchUpSnapshot {
  const working = statuses.filter((status) => status.status !== 'FAILED');
  const head = Math.max(0, ...statuses.map((status) => status.checkpoint + status.lag));
  const applied = working.length > 0 ? Math.min(...working.map((s) => s.checkpoint)) : head;
  const percent = head === 0 ? 100 : Math.floor((applied / head) * 100);
  return { head, applied, percent };
}

/**
 * Logs catch-up progress every `intervalMs` until stopped: how far, how fast, how long still.
 * Positions are the store's own (EventStoreDB's are byte offsets), so the rate is in positions.
 */
export function logCatchUpProgress(
  engine: Projector,
  log: (message: string) => void,
  intervalMs: number,
): () => void {
  let previous: { applied: number; at: number } | undefined;
  let stopped = false;
  const timer = setInterval(() => {
    engine.status().then(
      (statuses) => {
        if (stopped) return;
        const { head, applied, percent } = progressOf(statuses);
        const at = Date.now();
        const rate = previous ? ((applied - previous.applied) * 1000) / (at - previous.at) : 0;
        previous = { applied, at };
        const left = rate > 0 ? `, about ${Math.ceil((head - applied) / rate)} s left` : '';
        log(
          `catching up: position ${applied.toLocaleString('en')} of ${head.toLocaleString('en')} (${percent} %)${
            rate > 0 ? `, ${Math.round(rate).toLocaleString('en')} positions/s` : ''
          }${left}`,
        );
      },
      (error: Error) => stopped || log(`catching up: progress unknown (${error.message})`),
    );
  }, intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
