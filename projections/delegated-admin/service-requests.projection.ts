import type { Projection } from '../../src/platform/projection-engine/projection';

/** Service requests partners opened on customers' behalf (R13, R14). */
export const serviceRequestsProjection: Projection = {
  name: 'service-requests',
  version: 1,
  tables: ['service_requests'],
  schema: [
    `CREATE TABLE IF NOT EXISTS service_requests (
      service_request_id TEXT PRIMARY KEY,
      partner_tenant_id TEXT NOT NULL,
      customer_tenant_id TEXT NOT NULL,
      title TEXT NOT NULL,
      description TEXT NOT NULL,
      opened_at TEXT NOT NULL,
      opened_by_user_id TEXT NOT NULL,
      opened_by_name TEXT NOT NULL,
      position INTEGER NOT NULL
    )`,
  ],
  queryIndexes: [
    'CREATE INDEX IF NOT EXISTS service_requests_by_pair ON service_requests (partner_tenant_id, customer_tenant_id, position)',
    'CREATE INDEX IF NOT EXISTS service_requests_by_partner ON service_requests (partner_tenant_id, position)',
    'CREATE INDEX IF NOT EXISTS service_requests_by_customer ON service_requests (customer_tenant_id, position)',
  ],
  handlers: {
    ServiceRequestOpened: (event, db) => {
      const { data } = event;
      db.run(
        `INSERT INTO service_requests (service_request_id, partner_tenant_id, customer_tenant_id, title,
           description, opened_at, opened_by_user_id, opened_by_name, position)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (service_request_id) DO NOTHING`,
        [
          data.serviceRequestId,
          data.partnerTenantId,
          data.customerTenantId,
          data.title,
          data.description,
          event.metadata.occurredAt,
          event.metadata.actor.userId,
          event.metadata.actor.name,
          event.position,
        ],
      );
    },
  },
};
