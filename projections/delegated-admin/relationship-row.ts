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

/** The row's columns before GDAP relationships listed customers (customers v5, history v2). */
export const RESELLER_ROW_COLUMNS = [
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

/** The row's columns, in the order the tables declare them. */
export const RELATIONSHIP_COLUMNS = [
  ...RESELLER_ROW_COLUMNS,
  'reseller_active',
  'reseller_since',
  'gdap_in_force',
] as const satisfies readonly (keyof RelationshipRow)[];

export type RelationshipColumn = (typeof RELATIONSHIP_COLUMNS)[number];

export interface Pair {
  partnerTenantId: string;
  customerTenantId: string;
}

/** The pair's row after the event, or undefined while there is none (no relationship yet). */
type Evolve<Event> = (
  row: RelationshipRow | undefined,
  event: Event,
) => RelationshipRow | undefined;

/** The pair's GDAP relationships in force (approved, not ended): id → when it was approved. */
type InForce = Record<string, string>;

const inForceOf = (row: RelationshipRow): InForce =>
  JSON.parse(row.gdap_in_force ?? '{}') as InForce;

/**
 * The row listed (`active`) while the reseller relationship is active or a GDAP relationship is in
 * force; with no reseller relationship active, since the earliest of those was approved (as R15's
 * row for the partner says).
 */
function listedBy(row: RelationshipRow, inForce: InForce): RelationshipRow {
  const approvals = Object.values(inForce).sort();
  const resellerActive = row.reseller_active === 1;
  const since =
    resellerActive || approvals.length === 0
      ? (row.reseller_since ?? row.relationship_since)
      : approvals[0];
  return {
    ...row,
    active: resellerActive || approvals.length > 0 ? 1 : 0,
    relationship_since: since,
    gdap_in_force: JSON.stringify(inForce),
  };
}

const established: Evolve<RecordedOf<'RelationshipEstablished'>> = (row, { data, metadata }) => {
  const since = {
    customer_name: data.customer.name,
    customer_domain: data.customer.domain ?? null,
    search_name: searchKey(data.customer.name),
    search_domain: data.customer.domain ? searchKey(data.customer.domain) : null,
    relationship_since: metadata.occurredAt,
    active: 1,
    reseller_active: 1,
    reseller_since: metadata.occurredAt,
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
    gdap_in_force: '{}',
  };
};

const ended: Evolve<RecordedOf<'RelationshipEnded'>> = (row) =>
  row && listedBy({ ...row, reseller_active: 0 }, inForceOf(row));

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
 * The names a GDAP relationship gives its pair before approval: the partner's, and the
 * customer's as the partner gave it.
 */
export interface GdapNames {
  partner_name: string;
  customer_name: string | null;
}

/**
 * R16, R62: an approved GDAP relationship lists its customer. A pair with no row yet takes the
 * names the relationship gives (the customer's as its approving admin's token gives it, else as
 * the partner gave it, else its tenant id, as R15's row shows it); a pair never in a reseller
 * relationship is renamed by each approval as R15's row is.
 */
const gdapApproved =
  (names: GdapNames | undefined): Evolve<RecordedOf<'DelegatedAdminRelationshipApproved'>> =>
  (row, { data }) => {
    const customerName =
      data.customerDisplayName ??
      names?.customer_name ??
      row?.customer_name ??
      data.customerTenantId;
    const named = { customer_name: customerName, search_name: searchKey(customerName) };
    const base: RelationshipRow = row
      ? { ...row, ...(row.reseller_since === null ? named : {}) }
      : {
          partner_tenant_id: data.partnerTenantId,
          customer_tenant_id: data.customerTenantId,
          partner_name: names?.partner_name ?? data.partnerTenantId,
          ...named,
          customer_domain: null,
          search_domain: null,
          relationship_since: data.activatedAt,
          active: 0,
          dap_status: 'NONE',
          dap_roles: '[]',
          dap_changed_at: null,
          reseller_active: 0,
          reseller_since: null,
          gdap_in_force: '{}',
        };
    return listedBy(base, { ...inForceOf(base), [data.relationshipId]: data.activatedAt });
  };

type GdapEventOfPair = Parameters<RowWriter>[0] & { data: Pair & { relationshipId: string } };

/** R63, R64: an expiry or a termination (requested or recorded) takes the relationship off. */
const gdapEnded: Evolve<{ data: { relationshipId: string } }> = (row, { data }) => {
  if (!row) return row;
  const { [data.relationshipId]: was, ...rest } = inForceOf(row);
  return was === undefined ? row : listedBy(row, rest);
};

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

const resellerRowHandlers = (write: RowWriter): ProjectionHandlers => ({
  RelationshipEstablished: (event, db) =>
    write(event, event.data, (row) => established(row, event), db),
  RelationshipEnded: (event, db) => write(event, event.data, (row) => ended(row, event), db),
  DelegatedAdminGranted: (event, db) => write(event, event.data, (row) => granted(row, event), db),
  DelegatedAdminRemoved: (event, db) => write(event, event.data, (row) => removed(row, event), db),
});

/** The side table of GDAP relationships not approved yet, with the names approval needs. */
export const gdapNamesSchema = (table: string) => `CREATE TABLE IF NOT EXISTS ${table} (
  relationship_id TEXT PRIMARY KEY,
  partner_name TEXT NOT NULL,
  customer_name TEXT
)`;

function gdapRowHandlers(write: RowWriter, namesTable: string): ProjectionHandlers {
  const forget = ({ data }: GdapEventOfPair, db: SqlRunner) =>
    db.run(`DELETE FROM ${namesTable} WHERE relationship_id = ?`, [data.relationshipId]);
  const ending = (event: GdapEventOfPair, db: SqlRunner) =>
    write(event, event.data, (row) => gdapEnded(row, event), db);
  return {
    DelegatedAdminRelationshipCreated: ({ data }, db) =>
      db.run(
        `INSERT INTO ${namesTable} (relationship_id, partner_name, customer_name) VALUES (?, ?, ?)
         ON CONFLICT (relationship_id) DO NOTHING`,
        [data.relationshipId, data.partnerName, data.customerDisplayName ?? null],
      ),
    DelegatedAdminRelationshipUpdated: ({ data }, db) => {
      if (data.customerDisplayName === undefined) return;
      db.run(`UPDATE ${namesTable} SET customer_name = ? WHERE relationship_id = ?`, [
        data.customerDisplayName,
        data.relationshipId,
      ]);
    },
    DelegatedAdminRelationshipDeleted: forget,
    DelegatedAdminRelationshipApprovalExpired: forget,
    DelegatedAdminRelationshipApproved: (event, db) => {
      const names = db.get<GdapNames>(
        `SELECT partner_name, customer_name FROM ${namesTable} WHERE relationship_id = ?`,
        [event.data.relationshipId],
      );
      write(event, event.data, (row) => gdapApproved(names)(row, event), db);
      forget(event, db);
    },
    DelegatedAdminRelationshipExpired: ending,
    DelegatedAdminRelationshipTerminationRequested: ending,
    DelegatedAdminRelationshipTerminated: ending,
  };
}

/**
 * A projection's handlers for the relationship row, each writing through `write`; with
 * `gdapNamesTable`, GDAP relationships in force list their customers too (R16), that table
 * keeping the names of those not approved yet.
 */
export function relationshipRowHandlers(
  write: RowWriter,
  gdapNamesTable?: string,
): ProjectionHandlers {
  return {
    ...resellerRowHandlers(write),
    ...(gdapNamesTable ? gdapRowHandlers(write, gdapNamesTable) : {}),
  };
}

/**
 * Whether the row's reseller relationship is active (R9): a row of a version before GDAP listed
 * customers has `active` alone.
 */
export const resellerActive = (row: RelationshipRow): boolean =>
  (row.reseller_active ?? row.active) === 1;

/** Whether the pair was ever in a reseller relationship (a row listed by GDAP alone never was). */
export const everReseller = (row: RelationshipRow): boolean => row.reseller_since !== null;

export const sameRow = (
  a: RelationshipRow,
  b: RelationshipRow,
  columns: readonly RelationshipColumn[] = RELATIONSHIP_COLUMNS,
): boolean => columns.every((column) => a[column] === b[column]);
