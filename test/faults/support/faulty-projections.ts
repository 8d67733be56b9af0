// A read model for the worker's fault cases, loaded by the projection worker (PROJECTIONS). An
// event `WorkerExits` ends the worker thread and `WorkerHangs` spins it forever, each only while
// its flag file (named in the event) exists: the flag is removed first, so the worker that
// replaces it applies the event normally. `WorkerBusy` announces a long step (as a query index
// build does) and then blocks for `ms`, longer than the heartbeat timeout, and carries on.
import { existsSync, unlinkSync } from 'node:fs';
import type { Projection } from '../../../src/platform/projection-engine/projection';
import { longStep } from '../../../src/platform/common/long-steps';

const consumeFlag = (file: unknown): boolean => {
  if (typeof file !== 'string' || !existsSync(file)) return false;
  unlinkSync(file);
  return true;
};

export const PROJECTIONS: readonly Projection[] = [
  {
    name: 'tally',
    version: 1,
    tables: ['tally'],
    schema: ['CREATE TABLE IF NOT EXISTS tally (position INTEGER PRIMARY KEY, type TEXT NOT NULL)'],
    handlers: {},
    everyEvent(event, db) {
      const flag = (event.data as { flag?: unknown } | null)?.flag;
      if (event.type === 'WorkerExits' && consumeFlag(flag)) process.exit(7);
      if (event.type === 'WorkerHangs' && consumeFlag(flag)) for (;;);
      if (event.type === 'WorkerBusy') {
        longStep('a long step of the test');
        const until = Date.now() + Number((event.data as { ms?: unknown }).ms);
        while (Date.now() < until);
      }
      db.run('INSERT OR REPLACE INTO tally (position, type) VALUES (?, ?)', [
        event.position,
        event.type,
      ]);
    },
  },
];
