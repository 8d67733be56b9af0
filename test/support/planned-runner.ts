import type { ReadStore, SqlParams, SqlRunner } from '../../src/platform/read-store/read-store';

/** SQLite's plan of `sql` with `params` on `store`: the steps of EXPLAIN QUERY PLAN, in order. */
export function planSteps(store: ReadStore, sql: string, params: SqlParams = []): string[] {
  const steps = store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[];
  return steps.map((step) => step.detail);
}

/**
 * Runs queries on `store` as it is, and asks SQLite for the plan (planSteps, joined by " | ") of
 * every statement read through `get` or `all`, with the same SQL and parameters: for specs that
 * check which index a query reads.
 */
export function plannedRunner(store: ReadStore): { runner: SqlRunner; plans: string[] } {
  const plans: string[] = [];
  const explain = (sql: string, params?: SqlParams) =>
    plans.push(planSteps(store, sql, params).join(' | '));
  const runner: SqlRunner = {
    run: (sql, params) => store.run(sql, params),
    get: (sql, params) => (explain(sql, params), store.get(sql, params)),
    all: (sql, params) => (explain(sql, params), store.all(sql, params)),
  };
  return { runner, plans };
}
