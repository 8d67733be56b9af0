import type { Projection } from '../../src/platform/projection-engine/projection';
import type { ReadStore } from '../../src/platform/read-store/read-store';

/** Creates `projections`' tables and query indexes in `store`, as a live version has them. */
export function createReadModels(store: ReadStore, projections: readonly Projection[]): void {
  for (const projection of projections) {
    projection.schema.forEach((ddl) => store.db.exec(ddl));
    projection.queryIndexes?.forEach((ddl) => store.db.exec(ddl));
  }
}
