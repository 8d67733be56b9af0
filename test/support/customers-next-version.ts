import { customersProjection } from '../../projections/delegated-admin/customers.projection';
import { PROJECTIONS } from '../../src/capabilities';
import type { Projection, SqlRunner } from '../../src/platform/projection-engine/projection';

/**
 * customers at its next version: the same tables, names written upper-case (a handler change),
 * declaring no previous.
 */
export const customersUpperCased: Projection = {
  ...customersProjection,
  previous: undefined,
  version: customersProjection.version + 1,
  handlers: Object.fromEntries(
    Object.entries(customersProjection.handlers).map(([type, handler]) => [
      type,
      (event: unknown, db: SqlRunner) => {
        (handler as (event: unknown, db: SqlRunner) => void)(event, db);
        db.run('UPDATE customers SET customer_name = upper(customer_name)');
      },
    ]),
  ),
};

/**
 * The same next version as a projection author would bump it, declaring the live version as its
 * `previous` so the engine keeps that one up while this one is built beside it.
 */
export const customersNext: Projection = {
  ...customersUpperCased,
  previous: customersProjection,
};

/** Every projection, with customers at its next version. */
export const PROJECTIONS_NEXT: readonly Projection[] = PROJECTIONS.map((projection) =>
  projection.name === 'customers' ? customersNext : projection,
);
