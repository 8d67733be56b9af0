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
const RESELLER_ROW_COLUMNS = [
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

/** The declarations of the columns GDAP's listing added (customers v6, customers-history v3). */
const GDAP_LISTING_COLUMNS = `reseller_active INTEGER NOT NULL DEFAULT 0,
      reseller_since TEXT,
      gdap_in_force INTEGER NOT NULL DEFAULT 0,`;

export interface Pair {
  partnerTenantId: string;
  customerTenantId: string;
}

/** The pair's row after the event, or undefined while there is none (no relationship yet). */
type Evolve<Event> = (
  row: RelationshipRow | undefined,
  event: Event,
) => RelationshipRow | undefined;

/** The pair's GDAP relationships in force (approved, not ended): how many, and the earliest. */
interface InForce {
  count: number;
  earliest: string | null;
}

const NONE_IN_FORCE: InForce = { count: 0, earliest: null };

/**
 * The row listed (`active`) while the reseller relationship is active or GDAP relationships are
 * in force; with no reseller relationship active, since the earliest of those was approved (as
 * R15's row for the partner says).
 */
function listedBy(row: RelationshipRow, { count, earliest }: InForce): RelationshipRow {
  const resellerActive = row.reseller_active === 1;
  return {
    ...row,
    active: resellerActive || count > 0 ? 1 : 0,
    relationship_since:
      resellerActive || earliest === null
        ? (row.reseller_since ?? row.relationship_since)
        : earliest,
    gdap_in_force: count,
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
    gdap_in_force: 0,
  };
};

/** R9; with GDAP relationships in force, the row stays listed, since the earliest of them. */
const ended =
  (inForce: InForce): Evolve<RecordedOf<'RelationshipEnded'>> =>
  (row) =>
    row && listedBy({ ...row, reseller_active: 0 }, inForce);

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
 * A GDAP relationship of the pair as the projection keeps it apart (its own table): the names it
 * gives the pair before approval (the partner's, and the customer's as the partner gave it), and
 * when it was approved while it is in force.
 */
interface GdapRelationship {
  partner_name: string;
  customer_name: string | null;
  approved_at: string | null;
}

/**
 * R16, R62: an approved GDAP relationship lists its customer. A pair with no row yet takes the
 * names the relationship gives: the customer's name and domain as its approving admin's token
 * gives them, else the name the partner gave, else its tenant id (as R15's row shows it). A pair
 * never in a reseller relationship takes the name and domain each later approval's token gives;
 * a name the partner typed never replaces one a token gave.
 */
const gdapApproved =
  (
    relationship: GdapRelationship | undefined,
    inForce: InForce,
  ): Evolve<RecordedOf<'DelegatedAdminRelationshipApproved'>> =>
  (row, { data }) => {
    const byToken = {
      ...(data.customerDisplayName === undefined
        ? {}
        : {
            customer_name: data.customerDisplayName,
            search_name: searchKey(data.customerDisplayName),
          }),
      ...(data.customerDomain === undefined
        ? {}
        : { customer_domain: data.customerDomain, search_domain: searchKey(data.customerDomain) }),
    };
    const name = relationship?.customer_name ?? data.customerTenantId;
    const base: RelationshipRow = row
      ? { ...row, ...(row.reseller_since === null ? byToken : {}) }
      : {
          partner_tenant_id: data.partnerTenantId,
          customer_tenant_id: data.customerTenantId,
          partner_name: relationship?.partner_name ?? data.partnerTenantId,
          customer_name: name,
          search_name: searchKey(name),
          customer_domain: null,
          search_domain: null,
          ...byToken,
          relationship_since: data.activatedAt,
          active: 0,
          dap_status: 'NONE',
          dap_roles: '[]',
          dap_changed_at: null,
          reseller_active: 0,
          reseller_since: null,
          gdap_in_force: 0,
        };
    return listedBy(base, inForce);
  };

/** R63, R64: an expiry or a termination (requested or recorded) of one in force takes it off. */
const gdapEnded =
  (inForce: InForce): Evolve<unknown> =>
  (row) =>
    row && listedBy(row, inForce);

type GdapEventOfPair = Parameters<RowWriter>[0] & { data: Pair & { relationshipId: string } };

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

/**
 * The side table of a pair's GDAP relationships, from creation until they end: the names approval
 * needs, and the approvals in force, by pair (the earliest of them is the row's since).
 */
const gdapRelationshipsSchema = (table: string): string[] => [
  `CREATE TABLE IF NOT EXISTS ${table} (
    relationship_id TEXT PRIMARY KEY,
    partner_tenant_id TEXT NOT NULL,
    customer_tenant_id TEXT NOT NULL,
    partner_name TEXT NOT NULL,
    customer_name TEXT,
    approved_at TEXT
  )`,
  `CREATE INDEX IF NOT EXISTS ${table}_by_pair
    ON ${table} (partner_tenant_id, customer_tenant_id, approved_at) WHERE approved_at IS NOT NULL`,
];

/**
 * The pair's GDAP relationships in force, read from its side table's index (none without one):
 * the table is the one record of them, the row's `gdap_in_force` a copy taken from it.
 */
const inForceIn = (db: SqlRunner, table: string | undefined, pair: Pair): InForce =>
  table === undefined
    ? NONE_IN_FORCE
    : (db.get<InForce>(
        `SELECT COUNT(*) AS count, MIN(approved_at) AS earliest FROM ${table}
         WHERE partner_tenant_id = ? AND customer_tenant_id = ? AND approved_at IS NOT NULL`,
        [pair.partnerTenantId, pair.customerTenantId],
      ) ?? NONE_IN_FORCE);

const resellerRowHandlers = (write: RowWriter, gdapTable?: string): ProjectionHandlers => ({
  RelationshipEstablished: (event, db) =>
    write(event, event.data, (row) => established(row, event), db),
  RelationshipEnded: (event, db) => {
    const inForce = inForceIn(db, gdapTable, event.data);
    write(event, event.data, (row) => ended(inForce)(row, event), db);
  },
  DelegatedAdminGranted: (event, db) => write(event, event.data, (row) => granted(row, event), db),
  DelegatedAdminRemoved: (event, db) => write(event, event.data, (row) => removed(row, event), db),
});

function gdapRowHandlers(write: RowWriter, table: string): ProjectionHandlers {
  const relationshipOf = ({ data }: GdapEventOfPair, db: SqlRunner) =>
    db.get<GdapRelationship>(
      `SELECT partner_name, customer_name, approved_at FROM ${table} WHERE relationship_id = ?`,
      [data.relationshipId],
    );
  const forget = ({ data }: GdapEventOfPair, db: SqlRunner) =>
    db.run(`DELETE FROM ${table} WHERE relationship_id = ?`, [data.relationshipId]);
  const ending = (event: GdapEventOfPair, db: SqlRunner) => {
    const relationship = relationshipOf(event, db);
    if (!relationship) return; // ended before (a termination recorded after its request)
    forget(event, db);
    if (relationship.approved_at === null) return;
    const inForce = inForceIn(db, table, event.data);
    write(event, event.data, (row) => gdapEnded(inForce)(row, event), db);
  };
  return {
    DelegatedAdminRelationshipCreated: ({ data }, db) =>
      db.run(
        `INSERT INTO ${table} (relationship_id, partner_tenant_id, customer_tenant_id, partner_name, customer_name)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (relationship_id) DO NOTHING`,
        [
          data.relationshipId,
          data.partnerTenantId,
          data.customerTenantId,
          data.partnerName,
          data.customerDisplayName ?? null,
        ],
      ),
    DelegatedAdminRelationshipUpdated: ({ data }, db) => {
      if (data.customerDisplayName === undefined) return;
      db.run(`UPDATE ${table} SET customer_name = ? WHERE relationship_id = ?`, [
        data.customerDisplayName,
        data.relationshipId,
      ]);
    },
    DelegatedAdminRelationshipDeleted: forget,
    DelegatedAdminRelationshipApprovalExpired: forget,
    DelegatedAdminRelationshipApproved: (event, db) => {
      const relationship = relationshipOf(event, db);
      if (relationship?.approved_at) return; // approved once: its time stays
      const { data } = event;
      db.run(
        `INSERT INTO ${table} (relationship_id, partner_tenant_id, customer_tenant_id, partner_name, approved_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (relationship_id) DO UPDATE SET approved_at = excluded.approved_at`,
        [
          data.relationshipId,
          data.partnerTenantId,
          data.customerTenantId,
          data.partnerTenantId,
          data.activatedAt,
        ],
      );
      const inForce = inForceIn(db, table, data);
      write(event, data, (row) => gdapApproved(relationship, inForce)(row, event), db);
    },
    DelegatedAdminRelationshipExpired: ending,
    DelegatedAdminRelationshipTerminationRequested: ending,
    DelegatedAdminRelationshipTerminated: ending,
  };
}

/**
 * A projection's handlers for the relationship row, each writing through `write`; with
 * `gdapTable`, GDAP relationships in force list their customers too (R16), that table keeping
 * each from its creation until it ends.
 */
function relationshipRowHandlers(write: RowWriter, gdapTable?: string): ProjectionHandlers {
  return {
    ...resellerRowHandlers(write, gdapTable),
    ...(gdapTable ? gdapRowHandlers(write, gdapTable) : {}),
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

/** The columns GDAP's listing added, as `addedColumns` declares them to the engine. */
export const GDAP_LISTING_COLUMN_NAMES = RELATIONSHIP_COLUMNS.slice(RESELLER_ROW_COLUMNS.length);

/**
 * What a projection keeping the row declares and writes, listing the customers of GDAP
 * relationships in force (customers v6, customers-history v3) or not (v5, v2): the row's columns
 * and their declarations, its side table of GDAP relationships, and its handlers.
 */
export function rowShape(listedByGdap: boolean, gdapTable: string) {
  return {
    columns: listedByGdap ? RELATIONSHIP_COLUMNS : RESELLER_ROW_COLUMNS,
    addedColumnsDdl: listedByGdap ? GDAP_LISTING_COLUMNS : '',
    sideTables: listedByGdap ? [gdapTable] : [],
    sideSchema: listedByGdap ? gdapRelationshipsSchema(gdapTable) : [],
    handlers: (write: RowWriter) =>
      relationshipRowHandlers(write, listedByGdap ? gdapTable : undefined),
  };
}
