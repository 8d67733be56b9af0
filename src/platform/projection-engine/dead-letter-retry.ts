import type { EventStore } from '../event-store/event-store';
import type { ReadStore } from '../read-store/read-store';
import type { Checkpoints } from './checkpoints';
import { MAX_ATTEMPTS, type PageApplier, ReadablePage } from './page-applier';
import { definitionAt, type Projection } from './projection';

interface LiveStores {
  store: EventStore;
  readStore: ReadStore;
  checkpoints: Checkpoints;
}

/**
 * Applies the dead letters of `projections` again to their live versions, oldest first, after a
 * fix: each one that applies leaves the table, each one that throws again stays, with its new
 * error. A projection stopped (FAILED) at the event resumes from it. Answers how many were tried.
 */
export async function applyDeadLettersAgain(
  { store, readStore, checkpoints }: LiveStores,
  applier: PageApplier,
  projections: readonly Projection[],
): Promise<number> {
  if (projections.length === 0) return 0;
  const byName = new Map(projections.map((projection) => [projection.name, projection]));
  const letters = checkpoints.deadLetters.list([...byName.keys()]);
  for (const letter of letters) {
    const [event] = await store.readAll({ after: letter.position - 1, maxCount: 1 });
    if (event?.position !== letter.position) continue;
    const projection = byName.get(letter.projection)!;
    readStore.transaction(() => {
      const row = checkpoints.get(projection.name);
      const live = (row && definitionAt(projection, row.version)) ?? projection;
      const target = checkpoints.liveTarget(live, row?.position ?? 0);
      const error = applier.tryApply(target, new ReadablePage([event]), 0);
      if (error !== undefined) {
        checkpoints.deadLetters.record(projection.name, event, error, MAX_ATTEMPTS);
        return;
      }
      checkpoints.deadLetters.remove(projection.name, event.position);
      if (row?.state === 'FAILED' && row.position < event.position) {
        checkpoints.advance(row.name, event.position);
        // Not served until caught up again; its query indexes are (re)made when it is. A
        // previous version kept up here has them: it goes on being kept up.
        checkpoints.setState(row.name, live === projection ? 'REBUILDING' : 'LIVE');
      }
    });
  }
  return letters.length;
}
