import type { DapGrantEvent } from '../../src/delegated-admin/domain/dap-grant/events';
import type { RelationshipEvent } from '../../src/invitations/domain/events';
import type { Projection } from '../../src/platform/projection-engine/projection';
import { dataOf } from '../audit/event-fields';

type Data<T extends RelationshipEvent['type']> = Extract<RelationshipEvent, { type: T }>['data'];
type DapData<T extends DapGrantEvent['type']> = Extract<DapGrantEvent, { type: T }>['data'];

/**
 * Reseller relationships, one row per (partner, customer), with the partner's DAP: the partner's
 * Customers page (R16) and the customer's Partner relationships page (R15).
 */
export const customersProjection: Projection = {
  name: 'customers',
  version: 3,
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
      dap_status TEXT NOT NULL DEFAULT 'NONE',
      dap_roles TEXT NOT NULL DEFAULT '[]',
      dap_changed_at TEXT,
      PRIMARY KEY (partner_tenant_id, customer_tenant_id)
    )`,
  ],
  queryIndexes: [
    'CREATE INDEX IF NOT EXISTS customers_by_name ON customers (partner_tenant_id, customer_name, customer_tenant_id)',
    'CREATE INDEX IF NOT EXISTS customers_by_customer ON customers (customer_tenant_id, partner_name)',
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
    RelationshipEnded: (event, db) => {
      const data = dataOf<Data<'RelationshipEnded'>>(event);
      db.run(
        'UPDATE customers SET active = 0 WHERE partner_tenant_id = ? AND customer_tenant_id = ?',
        [data.partnerTenantId, data.customerTenantId],
      );
    },
    DelegatedAdminGranted: (event, db) => {
      const data = dataOf<DapData<'DelegatedAdminGranted'>>(event);
      db.run(
        `UPDATE customers SET dap_status = 'ACTIVE', dap_roles = ?, dap_changed_at = ?
         WHERE partner_tenant_id = ? AND customer_tenant_id = ?`,
        [
          JSON.stringify(data.roles.map((assignment) => assignment.role)),
          event.metadata.occurredAt,
          data.partnerTenantId,
          data.customerTenantId,
        ],
      );
    },
    DelegatedAdminRemoved: (event, db) => {
      const data = dataOf<DapData<'DelegatedAdminRemoved'>>(event);
      db.run(
        `UPDATE customers SET dap_status = 'REMOVED', dap_roles = '[]', dap_changed_at = ?
         WHERE partner_tenant_id = ? AND customer_tenant_id = ?`,
        [event.metadata.occurredAt, data.partnerTenantId, data.customerTenantId],
      );
    },
  },
};
