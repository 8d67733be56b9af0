import type {
  BatchHandler,
  Projection,
  ProjectionHandler,
} from '../../src/platform/projection-engine/projection';
import {
  AUDIT_LOG_DDL,
  AUDIT_LOG_INSERT,
  GENESIS_HASH,
  STORED_COLUMNS,
  storedValues,
} from './audit-columns';
import { auditEntryOf } from './audit-entry';
import { type ChainHead, TenantNames } from './tenant-names';

/**
 * A customer's entries lie scattered over the whole log, so reading a page of them by position
 * reads one table page per entry: at 1,000,000 entries those are pages no cache holds. This index
 * holds every column, in the customer's order: a customer's page (its Global admin's scope, the
 * `customerTenantId` filter, an export) reads a few adjacent index pages and no table row. It
 * doubles the log's size on disk and adds its build to a rebuild (README, Performance); entries
 * of no customer (about a tenth: invitations not yet accepted) are left out.
 */
const CUSTOMER_PAGE_INDEX = `CREATE INDEX IF NOT EXISTS audit_page_by_customer ON audit_log (${[
  'customer_tenant_id',
  'position',
  ...STORED_COLUMNS.filter((column) => column !== 'customer_tenant_id' && column !== 'position'),
].join(', ')}) WHERE customer_tenant_id IS NOT NULL`;

/** The query indexes of version 12, which serves while 13 builds. */
const QUERY_INDEXES_V12 = [
  // Kept beside the covering index: counting a customer's entries reads this narrow one.
  'CREATE INDEX IF NOT EXISTS audit_by_customer ON audit_log (customer_tenant_id, position)',
  CUSTOMER_PAGE_INDEX,
  'CREATE INDEX IF NOT EXISTS audit_by_partner ON audit_log (partner_tenant_id, position)',
  'CREATE INDEX IF NOT EXISTS audit_by_actor_tenant ON audit_log (actor_tenant_id, position)',
  'CREATE INDEX IF NOT EXISTS audit_by_actor_user ON audit_log (actor_user_id, position)',
  'CREATE INDEX IF NOT EXISTS audit_by_type ON audit_log (type, position)',
  'CREATE INDEX IF NOT EXISTS audit_by_time ON audit_log (occurred_at)',
];

/**
 * Every event with who did it, on whose behalf, when and a one-line summary (R41), each entry
 * hash-chained to the one before it so that an altered or missing row, or an altered event, shows
 * (`audit verify`). An entry references its event rather than copying its data.
 */
const auditWriting = {
  name: 'audit',
  tables: ['audit_log', 'audit_tenant_names'],
  schema: [
    AUDIT_LOG_DDL,
    `CREATE TABLE IF NOT EXISTS audit_tenant_names (
      tenant_id TEXT PRIMARY KEY,
      name TEXT NOT NULL
    )`,
  ],
  handlers: {},
  everyEventOfBatch: chainOfBatch,
  // A gap would break the hash chain and hide an event from the log: stop, visibly, instead.
  deadLetterPolicy: 'FAIL',
} satisfies Omit<Projection, 'version'>;

/** The query indexes of version 13, which serves while 14 builds. */
const QUERY_INDEXES_V13 = [
  ...QUERY_INDEXES_V12,
  'CREATE INDEX IF NOT EXISTS audit_by_correlation ON audit_log (correlation_id, position)',
];

/**
 * Version 15 files an invitation's email edit and cancellation under the customer it is addressed
 * to (R42); version 14, the same tables and indexes, serves while 15 builds. Version 14 named the
 * other tenant of an entry only once the two were introduced (R17: audit-entry.ts), escaped quotes
 * in the names it quotes and quoted a device's serial number. Version 13 added
 * audit_by_correlation, the entries of one request (auditLog's `correlationId` filter).
 */
export const auditProjection: Projection = {
  ...auditWriting,
  version: 15,
  queryIndexes: QUERY_INDEXES_V13,
  previous: { ...auditWriting, version: 14, queryIndexes: QUERY_INDEXES_V13 },
};

/**
 * The chain's head is read once per batch, then kept in memory: within one transaction nothing
 * else writes the log, and a batch rolled back takes this closure with it. The tenant names outlive
 * the batch while the file ends where they were learnt (`TenantNames`).
 */
function chainOfBatch(): BatchHandler {
  let head: ChainHead | undefined;
  let tenants: TenantNames | undefined;
  const record: ProjectionHandler = (event, db) => {
    if (head === undefined || tenants === undefined || head.position >= event.position) {
      const previous = db.get<ChainHead>(
        'SELECT position, hash FROM audit_log WHERE position <= ? ORDER BY position DESC LIMIT 1',
        [event.position],
      );
      if (previous?.position === event.position) {
        // Applied before (a replayed page): the next event is looked up again too.
        head = undefined;
        return;
      }
      head = previous ?? { position: 0, hash: GENESIS_HASH };
      tenants = TenantNames.upTo(db, head);
    }
    // Until this entry's row is written, what is learnt may not reach the file.
    tenants.head = undefined;
    tenants.learnFrom(event);
    const row = auditEntryOf(event, tenants.nameOf, head.hash);
    db.run(AUDIT_LOG_INSERT, storedValues(row));
    head = { position: event.position, hash: row.hash };
    tenants.head = head;
  };
  return { event: record };
}
