import type {
  ProjectionHandlers,
  RecordedOf,
  SqlRunner,
} from '../../src/platform/projection-engine/projection';
import type { RelationshipRow } from './customers.queries';
import { searchKey } from '../../src/delegated-admin/domain/customer-search';

/**
 * One `evolve` for the relationship row's shape: what each event does to its (partner, customer)
 * row. `customers` keeps the latest row, `customers-history` every version of it; both are
 * written from these functions only.
 */

/** The row's columns, in the order the tables declare them. */
export const RELATIONSHIP_COLUMNS = [
  'partner_tenant_id',
  'customer_tenant_id',
  'partner_name',
  'customer_name',
  'customer_domain',
  'relationship_since',
  'active',
  'dap_status',
  'dap_roles',
  'dap_changed_at',
  'search_name',
  'search_domain',
] as const satisfies readonly (keyof RelationshipRow)[];

export interface Pair {
  partnerTenantId: string;
  customerTenantId: string;
}

/** The pair's row after the event, or undefined while there is none (no relationship yet). */
type Evolve<Event> = (
  row: RelationshipRow | undefined,
  event: Event,
) => RelationshipRow | undefined;

const established: Evolve<RecordedOf<'RelationshipEstablished'>> = (row, { data, metadata }) => {
  const since = {
    customer_name: data.customer.name,
    customer_domain: data.customer.domain ?? null,
    search_name: searchKey(data.customer.name),
    search_domain: data.customer.domain ? searchKey(data.customer.domain) : null,
    relationship_since: metadata.occurredAt,
    active: 1,
  };
  if (row) return { ...row, ...since };
  return {
    partner_tenant_id: data.partnerTenantId,
    customer_tenant_id: data.customerTenantId,
    partner_name: data.partnerName,
    ...since,
    dap_status: 'NONE',
    dap_roles: '[]',
    dap_changed_at: null,
  };
};

const ended: Evolve<RecordedOf<'RelationshipEnded'>> = (row) => row && { ...row, active: 0 };

// A renegotiation while DAP is active (R8) changes nothing shown: `since` is when the status changed.
const granted: Evolve<RecordedOf<'DelegatedAdminGranted'>> = (row, { data, metadata }) =>
  row && {
    ...row,
    dap_status: 'ACTIVE',
    dap_roles: JSON.stringify(data.roles.map((assignment) => assignment.role)),
    dap_changed_at: row.dap_status === 'ACTIVE' ? row.dap_changed_at : metadata.occurredAt,
  };

const removed: Evolve<RecordedOf<'DelegatedAdminRemoved'>> = (row, { metadata }) =>
  row && { ...row, dap_status: 'REMOVED', dap_roles: '[]', dap_changed_at: metadata.occurredAt };

/**
 * Writes one event's change of a pair's row: `next` turns the pair's current row into the new
 * one (undefined: nothing to write).
 */
export type RowWriter = (
  event: { position: number; metadata: { occurredAt: string } },
  pair: Pair,
  next: (row: RelationshipRow | undefined) => RelationshipRow | undefined,
  db: SqlRunner,
) => void;

/** A projection's handlers for the relationship row, each writing through `write`. */
export function relationshipRowHandlers(write: RowWriter): ProjectionHandlers {
  return {
    RelationshipEstablished: (event, db) =>
      write(event, event.data, (row) => established(row, event), db),
    RelationshipEnded: (event, db) => write(event, event.data, (row) => ended(row, event), db),
    DelegatedAdminGranted: (event, db) =>
      write(event, event.data, (row) => granted(row, event), db),
    DelegatedAdminRemoved: (event, db) =>
      write(event, event.data, (row) => removed(row, event), db),
  };
}

export const sameRow = (a: RelationshipRow, b: RelationshipRow): boolean =>
  RELATIONSHIP_COLUMNS.every((column) => a[column] === b[column]);
