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

const SUBSCRIPTIONS_DDL = `CREATE TABLE IF NOT EXISTS azure_subscriptions (
  subscription_id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  customer_tenant_id TEXT NOT NULL,
  provisioned_by_partner_tenant_id TEXT,
  created_at TEXT NOT NULL,
  cancelled_at TEXT
)`;

/**
 * Version 3 adds `customer_tenant_id`: a partner's assignments read by customer. Version 4 adds
 * `customer_group_id`, the id of a CUSTOMER_GROUP principal (R20).
 */
const assignmentsDdl = (
  customerNamed: boolean,
  groupsNamed: boolean,
) => `CREATE TABLE IF NOT EXISTS subscription_role_assignments (
  assignment_id TEXT PRIMARY KEY,
  subscription_id TEXT NOT NULL,${customerNamed ? '\n  customer_tenant_id TEXT NOT NULL,' : ''}
  role TEXT NOT NULL,
  role_definition_id TEXT NOT NULL,
  principal_kind TEXT NOT NULL,
  partner_tenant_id TEXT,
  partner_group TEXT,
  user_id TEXT,${groupsNamed ? '\n  customer_group_id TEXT,' : ''}
  assigned_at TEXT NOT NULL,
  removed_at TEXT
)`;

const CUSTOMER_INDEXES = [
  'CREATE INDEX IF NOT EXISTS azure_subscriptions_by_customer ON azure_subscriptions (customer_tenant_id, display_name)',
  // A customer's live subscriptions paged by name (azureSubscriptionsConnection): a seek each page.
  'CREATE INDEX IF NOT EXISTS azure_subscriptions_live_by_customer ON azure_subscriptions (customer_tenant_id, display_name, subscription_id) WHERE cancelled_at IS NULL',
  'CREATE INDEX IF NOT EXISTS role_assignments_by_subscription ON subscription_role_assignments (subscription_id)',
];

/**
 * What a partner may see in a page of customers (R17, `seenByPartner`), read by (partner,
 * customer): the subscriptions it provisioned and those its groups hold roles on, never those of
 * other partners in the same customers.
 */
const PARTNER_INDEXES = [
  'CREATE INDEX IF NOT EXISTS azure_subscriptions_by_provider ON azure_subscriptions (provisioned_by_partner_tenant_id, customer_tenant_id, subscription_id) WHERE provisioned_by_partner_tenant_id IS NOT NULL',
  'CREATE INDEX IF NOT EXISTS role_assignments_by_partner_customer ON subscription_role_assignments (partner_tenant_id, customer_tenant_id, subscription_id, assigned_at, removed_at) WHERE partner_tenant_id IS NOT NULL',
];

/**
 * Azure subscriptions and their role assignments (R20–R25), for both sides (R17), with their
 * history: a cancelled subscription and a removed assignment keep their row with the time it
 * ended, so a page `asOf` a past moment shows them as they were (R43).
 */
function subscriptionsWriting(
  customerNamed: boolean,
  groupsNamed: boolean,
): Omit<Projection, 'version'> {
  const columns = [
    'assignment_id',
    'subscription_id',
    ...(customerNamed ? ['customer_tenant_id'] : []),
    'role',
    'role_definition_id',
    'principal_kind',
    'partner_tenant_id',
    'partner_group',
    'user_id',
    ...(groupsNamed ? ['customer_group_id'] : []),
    'assigned_at',
  ];
  const insertAssignment = `INSERT INTO subscription_role_assignments (${columns.join(', ')}, removed_at)
    VALUES (${columns.map(() => '?').join(', ')}, NULL) ON CONFLICT (assignment_id) DO NOTHING`;
  return {
    name: 'subscriptions',
    tables: ['azure_subscriptions', 'subscription_role_assignments'],
    schema: [SUBSCRIPTIONS_DDL, assignmentsDdl(customerNamed, groupsNamed)],
    queryIndexes: customerNamed
      ? [...CUSTOMER_INDEXES, ...PARTNER_INDEXES]
      : [
          ...CUSTOMER_INDEXES,
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
        db.run(insertAssignment, [
          data.assignmentId,
          data.subscriptionId,
          ...(customerNamed ? [data.customerTenantId] : []),
          data.role,
          data.roleDefinitionId,
          principal.kind,
          principal.kind === 'PARTNER_GROUP' ? principal.partnerTenantId : null,
          principal.kind === 'PARTNER_GROUP' ? principal.group : null,
          principal.kind === 'CUSTOMER_USER' ? principal.userId : null,
          ...(groupsNamed ? [principal.kind === 'CUSTOMER_GROUP' ? principal.groupId : null] : []),
          event.metadata.occurredAt,
        ]);
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
}

/**
 * Version 4 names a CUSTOMER_GROUP principal's group (R20); version 3 serves while it builds, and
 * shows such an assignment (none was made before version 4) with no group id meanwhile. Version 3
 * named each role assignment's customer, so that a past Customers page reads only what its partner
 * may see (`seenByPartner`); from version 2, read as before while 4 builds.
 */
export const subscriptionsProjection: Projection = {
  ...subscriptionsWriting(true, true),
  version: 4,
  addedColumns: { subscription_role_assignments: ['customer_tenant_id', 'customer_group_id'] },
  previous: {
    ...subscriptionsWriting(true, false),
    version: 3,
    // The engine keeps up only the one previous version; this names the one before for tests.
    previous: { ...subscriptionsWriting(false, false), version: 2 },
  },
};
