import type { Projection, SqlRunner } from '../../src/platform/projection-engine/projection';
import { relationshipViewHandlers, type ViewWriter } from './gdap-relationship-view';
import { encodePairSummary, type PairSummaryEncoder } from './gdap-pair-summary';
import type { GdapRelationshipView } from './gdap-relationship-view';

/** Stores a relationship's view as of `position`, with the columns its queries look it up by. */
export function saveRelationshipView(db: SqlRunner, view: GdapRelationshipView, position: number) {
  db.run(
    `INSERT INTO gdap_relationships (relationship_id, partner_tenant_id, customer_tenant_id,
       display_name, status, end_date_time, position, view)
     VALUES (@id, @partner, @customer, @name, @status, @end, @position, @view)
     ON CONFLICT (relationship_id) DO UPDATE SET display_name = excluded.display_name,
       status = excluded.status, end_date_time = excluded.end_date_time,
       position = excluded.position, view = excluded.view`,
    {
      id: view.relationshipId,
      partner: view.partnerTenantId,
      customer: view.customerTenantId,
      name: view.displayName,
      status: view.status,
      end: view.endDateTime,
      position,
      view: JSON.stringify(view),
    },
  );
}

/** How one version writes the pair summaries: their form, and whether it counts each partner's changes. */
interface PairSummaryWriting {
  encode: PairSummaryEncoder;
  /** Version 8 on: gdap_partner_changes, which the Customers page's reader checks its summaries by. */
  countsChanges: boolean;
}

const CURRENT_WRITING: PairSummaryWriting = { encode: encodePairSummary, countsChanges: true };

/**
 * Writes the pair's summary as the Customers page reads it (gdap-pair-summary.ts): one row per
 * partner and customer with the pair's relationships by display name; none once it has none. Each
 * write counts one change of the partner's summaries (gdap_partner_changes), in the same
 * transaction: a reader that kept the partner's summaries at a count knows them current while the
 * count is unchanged (gdap-pair-summary-reader.ts).
 */
export function savePairSummary(
  db: SqlRunner,
  partnerTenantId: string,
  customerTenantId: string,
  { encode, countsChanges }: PairSummaryWriting = CURRENT_WRITING,
) {
  const views = db
    .all<{ view: string }>(
      `SELECT view FROM gdap_relationships
       WHERE partner_tenant_id = ? AND customer_tenant_id = ? ORDER BY display_name`,
      [partnerTenantId, customerTenantId],
    )
    .map((row) => JSON.parse(row.view) as GdapRelationshipView);
  if (countsChanges) {
    db.run(
      `INSERT INTO gdap_partner_changes (partner_tenant_id, changes) VALUES (?, 1)
       ON CONFLICT (partner_tenant_id) DO UPDATE SET changes = changes + 1`,
      [partnerTenantId],
    );
  }
  if (views.length === 0) {
    db.run(
      'DELETE FROM gdap_pair_summaries WHERE partner_tenant_id = ? AND customer_tenant_id = ?',
      [partnerTenantId, customerTenantId],
    );
    return;
  }
  db.run(
    `INSERT INTO gdap_pair_summaries (partner_tenant_id, customer_tenant_id, relationships)
     VALUES (?, ?, ?)
     ON CONFLICT (partner_tenant_id, customer_tenant_id) DO UPDATE SET
       relationships = excluded.relationships`,
    [partnerTenantId, customerTenantId, encode(views)],
  );
}

/**
 * Keeps the latest view of the relationship (gdap-relationship-view.ts) and its pair's summary,
 * written as `writing` says; an event at or before the position the view was written at changes nothing.
 */
const latestWriter =
  (writing: PairSummaryWriting): ViewWriter =>
  (event, next, db) => {
    const { relationshipId, partnerTenantId, customerTenantId } = event.data;
    const row = db.get<{ position: number; view: string }>(
      'SELECT position, view FROM gdap_relationships WHERE relationship_id = ?',
      [relationshipId],
    );
    if (row && row.position >= event.position) return;
    const before = row ? (JSON.parse(row.view) as GdapRelationshipView) : null;
    const after = next(before);
    if (after === before) return;
    if (after) saveRelationshipView(db, after, event.position);
    else db.run('DELETE FROM gdap_relationships WHERE relationship_id = ?', [relationshipId]);
    savePairSummary(db, partnerTenantId, customerTenantId, writing);
  };

/**
 * GDAP relationships and their access assignments (R60–R66), for both sides' pages: the latest view
 * of each relationship, and per (partner, customer) the summary the Customers page reads in one
 * indexed query. gdap-relationships-history keeps every version of the same view.
 */
const gdapRelationshipsWriting = (writing: PairSummaryWriting) => ({
  name: 'gdap-relationships',
  tables: [
    'gdap_relationships',
    'gdap_pair_summaries',
    ...(writing.countsChanges ? ['gdap_partner_changes'] : []),
  ],
  // Version 1 kept assignments in a table of their own; they are part of each view since 2.
  retiredTables: ['gdap_assignments'],
  schema: [
    `CREATE TABLE IF NOT EXISTS gdap_relationships (
      relationship_id TEXT PRIMARY KEY,
      partner_tenant_id TEXT NOT NULL,
      customer_tenant_id TEXT NOT NULL,
      display_name TEXT NOT NULL,
      status TEXT NOT NULL,
      end_date_time TEXT,
      position INTEGER NOT NULL,
      view TEXT NOT NULL
    )`,
    `CREATE INDEX IF NOT EXISTS gdap_relationships_by_pair
      ON gdap_relationships (partner_tenant_id, customer_tenant_id, display_name)`,
    `CREATE TABLE IF NOT EXISTS gdap_pair_summaries (
      partner_tenant_id TEXT NOT NULL,
      customer_tenant_id TEXT NOT NULL,
      relationships TEXT NOT NULL,
      PRIMARY KEY (partner_tenant_id, customer_tenant_id)
    )`,
    ...(writing.countsChanges
      ? [
          `CREATE TABLE IF NOT EXISTS gdap_partner_changes (
            partner_tenant_id TEXT PRIMARY KEY,
            changes INTEGER NOT NULL
          )`,
        ]
      : []),
  ],
  queryIndexes: [
    `CREATE INDEX IF NOT EXISTS gdap_relationships_by_customer
      ON gdap_relationships (customer_tenant_id, partner_tenant_id)`,
    `CREATE INDEX IF NOT EXISTS gdap_relationships_by_end
      ON gdap_relationships (partner_tenant_id, status, end_date_time)`,
    // delegatedAdminRelationships pages one tenant's relationships by id.
    `CREATE INDEX IF NOT EXISTS gdap_relationships_by_partner_id
      ON gdap_relationships (partner_tenant_id, relationship_id)`,
    `CREATE INDEX IF NOT EXISTS gdap_relationships_by_customer_id
      ON gdap_relationships (customer_tenant_id, relationship_id)`,
  ],
  handlers: relationshipViewHandlers(latestWriter(writing)),
});

/**
 * Version 8 counts each partner's summary changes (gdap_partner_changes), so the Customers page
 * keeps a partner's decoded summaries while the count is unchanged and reads no summary row for
 * them (gdap-pair-summary-reader.ts); version 7, the same tables but that one, serves and is kept
 * up while 8 builds, and the reader reads its summaries without keeping them. Version 7 recorded
 * when an assignment lost a role with its relationship (R65) as its change time; version 6 added
 * each relationship's customer display name (R60, R62) and each assignment's change time to the
 * view and the pair summary; decodePairSummary still reads the forms of versions 2 to 5 (a view
 * without the name serves null, an assignment without its change time its creation time).
 */
export const gdapRelationshipsProjection: Projection = {
  ...gdapRelationshipsWriting(CURRENT_WRITING),
  version: 8,
  addedTables: ['gdap_partner_changes'],
  previous: {
    ...gdapRelationshipsWriting({ encode: encodePairSummary, countsChanges: false }),
    version: 7,
  },
};
