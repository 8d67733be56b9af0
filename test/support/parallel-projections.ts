// The read models of the parallel replay tests, for its worker threads to load: every real one
// and two that throw on one customer's relationship (one per dead-letter policy).
import { PROJECTIONS as REAL } from '../../src/capabilities';
import type { DeadLetterPolicy, Projection } from '../../src/platform/projection-engine/projection';

export const POISONED_CUSTOMER = 'customer-6';

const poisoned = (policy: DeadLetterPolicy): Projection => ({
  name: `poisoned-${policy}`,
  version: 1,
  tables: [`poisoned_${policy}`],
  schema: [`CREATE TABLE IF NOT EXISTS poisoned_${policy} (position INTEGER PRIMARY KEY)`],
  handlers: {
    RelationshipEstablished: (event, db) => {
      if (event.data.customerTenantId === POISONED_CUSTOMER) throw new Error('cannot apply this');
      db.run(`INSERT OR IGNORE INTO poisoned_${policy} (position) VALUES (?)`, [event.position]);
    },
  },
  deadLetterPolicy: policy,
});

export const PROJECTIONS: readonly Projection[] = [...REAL, poisoned('FAIL'), poisoned('CONTINUE')];
