import type { RelationshipEvent } from '../src/domain/relationship/events';
import type { Projection } from '../src/projection-engine/projection';
import { dataOf } from './event-fields';

type Data<T extends RelationshipEvent['type']> = Extract<RelationshipEvent, { type: T }>['data'];

/** Reseller relationships, one row per (partner, customer): the partner's Customers page (R16). */
export const customersProjection: Projection = {
  name: 'customers',
  version: 1,
  tables: ['customers'],
  schema: [
    `CREATE TABLE IF NOT EXISTS customers (
      partner_tenant_id TEXT NOT NULL,
      customer_tenant_id TEXT NOT NULL,
      partner_name TEXT NOT NULL,
      customer_name TEXT NOT NULL,
      customer_domain TEXT,
      relationship_since TEXT NOT NULL,
      active INTEGER NOT NULL,
      PRIMARY KEY (partner_tenant_id, customer_tenant_id)
    )`,
    'CREATE INDEX IF NOT EXISTS customers_by_name ON customers (partner_tenant_id, customer_name, customer_tenant_id)',
    'CREATE INDEX IF NOT EXISTS customers_by_customer ON customers (customer_tenant_id)',
  ],
  handlers: {
    RelationshipEstablished: (event, db) => {
      const data = dataOf<Data<'RelationshipEstablished'>>(event);
      db.run(
        `INSERT INTO customers (partner_tenant_id, customer_tenant_id, partner_name, customer_name,
           customer_domain, relationship_since, active)
         VALUES (?, ?, ?, ?, ?, ?, 1)
         ON CONFLICT (partner_tenant_id, customer_tenant_id) DO UPDATE SET
           customer_name = excluded.customer_name, customer_domain = excluded.customer_domain,
           relationship_since = excluded.relationship_since, active = 1`,
        [
          data.partnerTenantId,
          data.customer.tenantId,
          data.partnerName,
          data.customer.name,
          data.customer.domain ?? null,
          event.metadata.occurredAt,
        ],
      );
    },
  },
};
