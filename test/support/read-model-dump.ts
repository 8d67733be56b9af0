import type { Projection } from '../../src/platform/projection-engine/projection';
import type { ReadStore } from '../../src/platform/read-store/read-store';

/** Every row of every table of the given projections, in a stable order, for comparisons. */
export function dumpReadModels(
  readStore: ReadStore,
  projections: readonly Projection[],
): Record<string, unknown[]> {
  const dump: Record<string, unknown[]> = {};
  for (const table of projections.flatMap((projection) => projection.tables)) {
    dump[table] = readStore
      .all<Record<string, unknown>>(`SELECT * FROM "${table}"`)
      .map((row) => JSON.stringify(row))
      .sort();
  }
  return dump;
}
