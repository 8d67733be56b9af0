import { PROJECTIONS } from '../../../src/capabilities';
import {
  balancedGroups,
  REPLAY_COST,
  WORKER_OVERHEAD,
} from '../../../src/platform/projection-engine/parallel-replay-groups';

describe('the split of a parallel replay in two groups of about equal cost', () => {
  const names = PROJECTIONS.map(({ name }) => name);
  const costOf = (group: readonly string[]) =>
    group.reduce((sum, name) => sum + REPLAY_COST[name], 0);

  it('puts every read model in exactly one group, each in the order given', () => {
    const { here, worker } = balancedGroups(names);
    expect([...here, ...worker].sort()).toEqual([...names].sort());
    expect(here).toEqual(names.filter((name) => here.includes(name)));
    expect(worker).toEqual(names.filter((name) => worker.includes(name)));
  });

  it("keeps audit, the costliest, in the calling thread and gives the worker the rest's larger share", () => {
    const { here, worker } = balancedGroups(names);
    expect(here).toContain('audit');
    expect(worker.length).toBeGreaterThan(1);
    // Within the cost of the cheapest projection that could move, once the worker's start and merge count.
    const gap = Math.abs(costOf(here) - (costOf(worker) + WORKER_OVERHEAD));
    expect(gap).toBeLessThanOrEqual(Math.max(...worker.map((name) => REPLAY_COST[name])));
  });

  it('lists a cost for every read model the product has', () => {
    expect(names.filter((name) => REPLAY_COST[name] === undefined)).toEqual([]);
  });

  it('follows the costs it is given', () => {
    expect(balancedGroups(['a', 'b', 'c', 'd'], { a: 10, b: 6, c: 4, d: 1 })).toEqual({
      here: ['a', 'd'],
      worker: ['b', 'c'],
    });
  });
});
