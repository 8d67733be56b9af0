import type { DapGrantEvent } from '../../src/delegated-admin/domain/dap-grant/events';
import type { RelationshipEvent } from '../../src/invitations/domain/events';
import type {
  Projection,
  ProjectionHandler,
  RecordedEvent,
  SqlRunner,
} from '../../src/platform/projection-engine/projection';
import type { RelationshipRow } from './customers.queries';
import { dataOf } from '../audit/event-fields';

type Data<T extends RelationshipEvent['type']> = Extract<RelationshipEvent, { type: T }>['data'];
type DapData<T extends DapGrantEvent['type']> = Extract<DapGrantEvent, { type: T }>['data'];

interface Pair {
  partnerTenantId: string;
  customerTenantId: string;
}

/** What an event does to one `customers` row: the same change customers.projection makes. */
type Transition = (
  row: RelationshipRow | undefined,
  event: RecordedEvent,
) => RelationshipRow | undefined;

const TRANSITIONS: Record<string, { pair: (event: RecordedEvent) => Pair; next: Transition }> = {
  RelationshipEstablished: {
    pair: (event) => {
      const data = dataOf<Data<'RelationshipEstablished'>>(event);
      return { partnerTenantId: data.partnerTenantId, customerTenantId: data.customer.tenantId };
    },
    next: (row, event) => {
      const data = dataOf<Data<'RelationshipEstablished'>>(event);
      const established = {
        customer_name: data.customer.name,
        customer_domain: data.customer.domain ?? null,
        relationship_since: event.metadata.occurredAt,
        active: 1,
      };
      if (row) return { ...row, ...established };
      return {
        partner_tenant_id: data.partnerTenantId,
        customer_tenant_id: data.customer.tenantId,
        partner_name: data.partnerName,
        ...established,
        dap_status: 'NONE',
        dap_roles: '[]',
        dap_changed_at: null,
      };
    },
  },
  RelationshipEnded: {
    pair: (event) => dataOf<Data<'RelationshipEnded'>>(event),
    next: (row) => row && { ...row, active: 0 },
  },
  DelegatedAdminGranted: {
    pair: (event) => dataOf<DapData<'DelegatedAdminGranted'>>(event),
    next: (row, event) =>
      row && {
        ...row,
        dap_status: 'ACTIVE',
        dap_roles: JSON.stringify(
          dataOf<DapData<'DelegatedAdminGranted'>>(event).roles.map(
            (assignment) => assignment.role,
          ),
        ),
        dap_changed_at: event.metadata.occurredAt,
      },
  },
  DelegatedAdminRemoved: {
    pair: (event) => dataOf<DapData<'DelegatedAdminRemoved'>>(event),
    next: (row, event) =>
      row && {
        ...row,
        dap_status: 'REMOVED',
        dap_roles: '[]',
        dap_changed_at: event.metadata.occurredAt,
      },
  },
};

const ROW_COLUMNS = [
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
] as const satisfies readonly (keyof RelationshipRow)[];

interface Version extends RelationshipRow {
  valid_from_position: number;
  valid_to_position: number | null;
  valid_from: string;
  valid_to: string | null;
}

function rowOf(version: Version): RelationshipRow {
  const {
    valid_from_position: _a,
    valid_to_position: _b,
    valid_from: _c,
    valid_to: _d,
    ...row
  } = version;
  return row;
}

const sameRow = (a: RelationshipRow, b: RelationshipRow) =>
  ROW_COLUMNS.every((column) => a[column] === b[column]);

/**
 * Moves the clock: the latest business time seen up to this position. Versions are dated with it,
 * so "as of T" means "after every event up to the last position whose clock is ≤ T": a prefix
 * of the log, exactly what a projection stopped there would show, even if times interleave.
 */
function tick(event: RecordedEvent, db: SqlRunner): void {
  db.run(
    `INSERT INTO customers_history_clock (id, position, at) VALUES (1, @position, @at)
     ON CONFLICT (id) DO UPDATE SET position = MAX(position, @position), at = MAX(at, @at)`,
    { position: event.position, at: event.metadata.occurredAt },
  );
}

function version(transition: (typeof TRANSITIONS)[string]): ProjectionHandler {
  return (event, db) => {
    const { partnerTenantId, customerTenantId } = transition.pair(event);
    const current = db.get<Version>(
      `SELECT * FROM customers_history
       WHERE partner_tenant_id = ? AND customer_tenant_id = ? AND valid_to_position IS NULL`,
      [partnerTenantId, customerTenantId],
    );
    if (current && current.valid_from_position >= event.position) return;
    const base = current && rowOf(current);
    const next = transition.next(base, event);
    if (!next || (base && sameRow(base, next))) return;
    const at = db.get<{ at: string }>('SELECT at FROM customers_history_clock WHERE id = 1')?.at;
    db.run(
      `UPDATE customers_history SET valid_to_position = @position, valid_to = @at
       WHERE partner_tenant_id = @partner AND customer_tenant_id = @customer AND valid_to_position IS NULL`,
      { position: event.position, at, partner: partnerTenantId, customer: customerTenantId },
    );
    db.run(
      `INSERT INTO customers_history (${ROW_COLUMNS.join(', ')}, valid_from_position, valid_from)
       VALUES (${ROW_COLUMNS.map((c) => `@${c}`).join(', ')}, @position, @at)`,
      { ...next, position: event.position, at },
    );
  };
}

/**
 * Every version of every `customers` row with the positions and times it was valid between: the
 * Customers and Partner relationships pages as they stood at any past moment (R43), by index.
 */
export const customersHistoryProjection: Projection = {
  name: 'customers-history',
  version: 1,
  tables: ['customers_history', 'customers_history_clock'],
  schema: [
    `CREATE TABLE IF NOT EXISTS customers_history (
      partner_tenant_id TEXT NOT NULL,
      customer_tenant_id TEXT NOT NULL,
      partner_name TEXT NOT NULL,
      customer_name TEXT NOT NULL,
      customer_domain TEXT,
      relationship_since TEXT NOT NULL,
      active INTEGER NOT NULL,
      dap_status TEXT NOT NULL,
      dap_roles TEXT NOT NULL,
      dap_changed_at TEXT,
      valid_from_position INTEGER NOT NULL,
      valid_to_position INTEGER,
      valid_from TEXT NOT NULL,
      valid_to TEXT,
      PRIMARY KEY (partner_tenant_id, customer_tenant_id, valid_from_position)
    )`,
    `CREATE TABLE IF NOT EXISTS customers_history_clock (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      position INTEGER NOT NULL,
      at TEXT NOT NULL
    )`,
  ],
  queryIndexes: [
    `CREATE INDEX IF NOT EXISTS customers_history_by_name
       ON customers_history (partner_tenant_id, customer_name, customer_tenant_id, valid_from)`,
    `CREATE INDEX IF NOT EXISTS customers_history_by_customer
       ON customers_history (customer_tenant_id, partner_name, partner_tenant_id, valid_from)`,
  ],
  handlers: Object.fromEntries(
    Object.entries(TRANSITIONS).map(([type, transition]) => [type, version(transition)]),
  ),
  everyEvent: tick,
};
