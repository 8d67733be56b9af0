import type { Projection, SqlRunner } from '../../src/platform/projection-engine/projection';

function insertSubscription(
  db: SqlRunner,
  data: { subscriptionId: string; displayName: string; customerTenantId: string },
  provisionedBy: string | null,
  at: string,
): void {
  db.run(
    `INSERT INTO azure_subscriptions (subscription_id, display_name, customer_tenant_id,
       provisioned_by_partner_tenant_id, created_at, cancelled_at)
     VALUES (?, ?, ?, ?, ?, NULL) ON CONFLICT (subscription_id) DO NOTHING`,
    [data.subscriptionId, data.displayName, data.customerTenantId, provisionedBy, at],
  );
}

/**
 * Azure subscriptions and their role assignments (R20–R25), for both sides (R17), with their
 * history: a cancelled subscription and a removed assignment keep their row with the time it
 * ended, so a page `asOf` a past moment shows them as they were (R43).
 */
export const subscriptionsProjection: Projection = {
  name: 'subscriptions',
  version: 2,
  tables: ['azure_subscriptions', 'subscription_role_assignments'],
  schema: [
    `CREATE TABLE IF NOT EXISTS azure_subscriptions (
      subscription_id TEXT PRIMARY KEY,
      display_name TEXT NOT NULL,
      customer_tenant_id TEXT NOT NULL,
      provisioned_by_partner_tenant_id TEXT,
      created_at TEXT NOT NULL,
      cancelled_at TEXT
    )`,
    `CREATE TABLE IF NOT EXISTS subscription_role_assignments (
      assignment_id TEXT PRIMARY KEY,
      subscription_id TEXT NOT NULL,
      role TEXT NOT NULL,
      role_definition_id TEXT NOT NULL,
      principal_kind TEXT NOT NULL,
      partner_tenant_id TEXT,
      partner_group TEXT,
      user_id TEXT,
      assigned_at TEXT NOT NULL,
      removed_at TEXT
    )`,
  ],
  queryIndexes: [
    'CREATE INDEX IF NOT EXISTS azure_subscriptions_by_customer ON azure_subscriptions (customer_tenant_id, display_name)',
    // A customer's live subscriptions paged by name (azureSubscriptionsConnection): a seek each page.
    'CREATE INDEX IF NOT EXISTS azure_subscriptions_live_by_customer ON azure_subscriptions (customer_tenant_id, display_name, subscription_id) WHERE cancelled_at IS NULL',
    'CREATE INDEX IF NOT EXISTS role_assignments_by_subscription ON subscription_role_assignments (subscription_id)',
    'CREATE INDEX IF NOT EXISTS role_assignments_by_partner ON subscription_role_assignments (partner_tenant_id)',
  ],
  handlers: {
    AzureSubscriptionProvisioned: (event, db) => {
      const { data } = event;
      insertSubscription(db, data, data.partnerTenantId, event.metadata.occurredAt);
    },
    AzureSubscriptionRegistered: (event, db) => {
      insertSubscription(db, event.data, null, event.metadata.occurredAt);
    },
    SubscriptionRoleAssigned: (event, db) => {
      const { data } = event;
      const principal = data.principal;
      db.run(
        `INSERT INTO subscription_role_assignments (assignment_id, subscription_id, role, role_definition_id,
           principal_kind, partner_tenant_id, partner_group, user_id, assigned_at, removed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL) ON CONFLICT (assignment_id) DO NOTHING`,
        [
          data.assignmentId,
          data.subscriptionId,
          data.role,
          data.roleDefinitionId,
          principal.kind,
          principal.kind === 'PARTNER_GROUP' ? principal.partnerTenantId : null,
          principal.kind === 'PARTNER_GROUP' ? principal.group : null,
          principal.kind === 'CUSTOMER_USER' ? principal.userId : null,
          event.metadata.occurredAt,
        ],
      );
    },
    SubscriptionRoleAssignmentRemoved: (event, db) => {
      db.run(
        'UPDATE subscription_role_assignments SET removed_at = ? WHERE assignment_id = ? AND removed_at IS NULL',
        [event.metadata.occurredAt, event.data.assignmentId],
      );
    },
    AzureSubscriptionCancelled: (event, db) => {
      db.run('UPDATE azure_subscriptions SET cancelled_at = ? WHERE subscription_id = ?', [
        event.metadata.occurredAt,
        event.data.subscriptionId,
      ]);
    },
  },
};
