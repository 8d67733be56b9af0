import type { Projection } from '../../src/platform/projection-engine/projection';
import { relationshipViewHandlers, type ViewWriter } from './gdap-relationship-view';
import { GRANTING_SQL } from './gdap-relationships.queries';
import { type GdapRelationshipView } from './gdap-relationship-view';

/**
 * A version's end, and whether it grants (R67): SQLite uses an index on an expression only for a
 * query naming the same expression, so the index below and the expiring lists' query share these.
 */
export const VERSION_END = `json_extract(view, '$.endDateTime')`;
export const VERSION_GRANTS = `json_extract(view, '$.status') IN ${GRANTING_SQL}`;

/**
 * Records the relationship's view after the event at the event's position; applied again at the
 * same position it changes nothing (the version is there).
 */
const recordVersion: ViewWriter = (event, next, db) => {
  const { relationshipId, partnerTenantId, customerTenantId } = event.data;
  const previous = db.get<{ view: string | null }>(
    `SELECT view FROM gdap_relationship_versions
     WHERE relationship_id = ? AND position < ? ORDER BY position DESC LIMIT 1`,
    [relationshipId, event.position],
  );
  const after = next(previous?.view ? (JSON.parse(previous.view) as GdapRelationshipView) : null);
  db.run(
    `INSERT INTO gdap_relationship_versions (relationship_id, position, valid_from,
       partner_tenant_id, customer_tenant_id, view)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (relationship_id, position) DO NOTHING`,
    [
      relationshipId,
      event.position,
      event.metadata.occurredAt,
      partnerTenantId,
      customerTenantId,
      after ? JSON.stringify(after) : null,
    ],
  );
};

/**
 * Every version of every GDAP relationship (R43): the Customers page and the Partner relationships
 * page show the GDAP relationships as they stood at `asOf`. A version's view is null once the
 * relationship was deleted (R61).
 */
const gdapRelationshipsHistory = {
  name: 'gdap-relationships-history',
  tables: ['gdap_relationship_versions'],
  schema: [
    `CREATE TABLE IF NOT EXISTS gdap_relationship_versions (
      relationship_id TEXT NOT NULL,
      position INTEGER NOT NULL,
      valid_from TEXT NOT NULL,
      partner_tenant_id TEXT NOT NULL,
      customer_tenant_id TEXT NOT NULL,
      view TEXT,
      PRIMARY KEY (relationship_id, position)
    )`,
  ],
  queryIndexes: [
    `CREATE INDEX IF NOT EXISTS gdap_relationship_versions_by_pair
      ON gdap_relationship_versions (partner_tenant_id, customer_tenant_id, valid_from)`,
    // R15 at asOf: the partners of a customer's relationships then.
    `CREATE INDEX IF NOT EXISTS gdap_relationship_versions_by_customer
      ON gdap_relationship_versions (customer_tenant_id, relationship_id)`,
    // R63 at asOf: a partner's granting versions by end, so the expiring lists read their window.
    `CREATE INDEX IF NOT EXISTS gdap_relationship_versions_granting_by_end
      ON gdap_relationship_versions (partner_tenant_id, ${VERSION_END}) WHERE ${VERSION_GRANTS}`,
  ],
  handlers: relationshipViewHandlers(recordVersion),
};

/**
 * Version 3's views record when an assignment lost a role with its relationship (R65) as its change
 * time (version 2's keep the time of its last status change; version 1's its creation), so it is
 * built again from the events; version 2, the same tables, serves and is kept up meanwhile.
 */
export const gdapRelationshipsHistoryProjection: Projection = {
  ...gdapRelationshipsHistory,
  version: 3,
  previous: { ...gdapRelationshipsHistory, version: 2 },
};
