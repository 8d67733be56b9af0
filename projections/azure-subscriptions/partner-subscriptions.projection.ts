import type {
  HandlerOf,
  Projection,
  SqlRunner,
} from '../../src/platform/projection-engine/projection';
import {
  PARTNER_GROUPS,
  type PartnerGroup,
} from '../../src/azure-subscriptions/domain/azure-roles';
import {
  groupHolds,
  type PartnerSubscriptionRow,
  type StoredAssignment,
} from './partner-subscriptions.queries';
import { compareText } from '../../src/platform/common/compare-text';

/** What a partner's row needs of a subscription it did not provision, kept from its first event. */
interface SubscriptionFacts {
  customer_tenant_id: string;
  display_name: string;
  provisioned_by_partner_tenant_id: string | null;
}

const UPSERT_ROW = `INSERT INTO partner_subscriptions (partner_tenant_id, customer_tenant_id,
    subscription_id, display_name, provisioned_by_partner_tenant_id, assignments,
    admin_agents_roles, helpdesk_agents_roles)
  VALUES (@partner_tenant_id, @customer_tenant_id, @subscription_id, @display_name,
    @provisioned_by_partner_tenant_id, @assignments, @admin_agents_roles, @helpdesk_agents_roles)
  ON CONFLICT (partner_tenant_id, customer_tenant_id, subscription_id) DO UPDATE SET
    assignments = excluded.assignments, admin_agents_roles = excluded.admin_agents_roles,
    helpdesk_agents_roles = excluded.helpdesk_agents_roles`;

/** A pair's subscriptions in a row's order: what every query index of this read model is keyed by. */
const BY_NAME = '(partner_tenant_id, customer_tenant_id, display_name, subscription_id)';

function writeRow(db: SqlRunner, row: PartnerSubscriptionRow, assignments: StoredAssignment[]) {
  // The subscriptions read model's order (assigned_at, assignment_id): ASCII, so `<` orders them
  // as SQLite's byte order does.
  const sorted = [...assignments].sort(
    (a, b) => compareText(a.at, b.at) || compareText(a.id, b.id),
  );
  const count = (group: PartnerGroup) => sorted.filter((a) => a.group === group).length;
  db.run(UPSERT_ROW, {
    ...row,
    assignments: JSON.stringify(sorted),
    admin_agents_roles: count('ADMIN_AGENTS'),
    helpdesk_agents_roles: count('HELPDESK_AGENTS'),
  });
}

const factsOf = (db: SqlRunner, subscriptionId: string) =>
  db.get<SubscriptionFacts>(
    `SELECT customer_tenant_id, display_name, provisioned_by_partner_tenant_id
     FROM partner_subscription_facts WHERE subscription_id = ? AND cancelled = 0`,
    [subscriptionId],
  );

const rowOf = (db: SqlRunner, partner: string, customer: string, subscriptionId: string) =>
  db.get<PartnerSubscriptionRow>(
    `SELECT * FROM partner_subscriptions
     WHERE partner_tenant_id = ? AND customer_tenant_id = ? AND subscription_id = ?`,
    [partner, customer, subscriptionId],
  );

function recordFacts(
  db: SqlRunner,
  data: { subscriptionId: string; displayName: string; customerTenantId: string },
  provisionedBy: string | null,
): void {
  db.run(
    `INSERT INTO partner_subscription_facts (subscription_id, customer_tenant_id, display_name,
       provisioned_by_partner_tenant_id, cancelled)
     VALUES (?, ?, ?, ?, 0) ON CONFLICT (subscription_id) DO NOTHING`,
    [data.subscriptionId, data.customerTenantId, data.displayName, provisionedBy],
  );
}

const assigned: HandlerOf<'SubscriptionRoleAssigned'> = ({ data, metadata }, db) => {
  const { principal } = data;
  if (principal.kind !== 'PARTNER_GROUP') return;
  const facts = factsOf(db, data.subscriptionId);
  if (!facts) return;
  const row = rowOf(
    db,
    principal.partnerTenantId,
    facts.customer_tenant_id,
    data.subscriptionId,
  ) ?? {
    partner_tenant_id: principal.partnerTenantId,
    subscription_id: data.subscriptionId,
    ...facts,
    assignments: '[]',
  };
  const held = JSON.parse(row.assignments) as StoredAssignment[];
  if (held.some((assignment) => assignment.id === data.assignmentId)) return;
  const added: StoredAssignment = {
    id: data.assignmentId,
    role: data.role,
    roleDefinitionId: data.roleDefinitionId,
    group: principal.group,
    at: metadata.occurredAt,
  };
  writeRow(db, row, [...held, added]);
};

const removed: HandlerOf<'SubscriptionRoleAssignmentRemoved'> = ({ data }, db) => {
  const { principal } = data;
  if (principal.kind !== 'PARTNER_GROUP') return;
  const row = rowOf(db, principal.partnerTenantId, data.customerTenantId, data.subscriptionId);
  if (!row) return;
  const held = (JSON.parse(row.assignments) as StoredAssignment[]).filter(
    (assignment) => assignment.id !== data.assignmentId,
  );
  // A partner sees a subscription it did not provision only while one of its groups holds a role.
  if (held.length === 0 && row.provisioned_by_partner_tenant_id !== row.partner_tenant_id) {
    db.run(
      `DELETE FROM partner_subscriptions
       WHERE partner_tenant_id = ? AND customer_tenant_id = ? AND subscription_id = ?`,
      [row.partner_tenant_id, row.customer_tenant_id, row.subscription_id],
    );
  } else {
    writeRow(db, row, held);
  }
};

/**
 * R17, R23: each partner's live Azure subscriptions in each customer, those it provisioned or on
 * which one of its groups holds a role (what `maySeeSubscription` lets it see), with those roles.
 * A Customers page row reads a bounded, ordered slice of one (partner, customer) from an index,
 * however many subscriptions the customer has with others; the subscriptions read model keeps
 * every subscription and assignment with its history, for `asOf` and the customer's own lists.
 */
export const partnerSubscriptionsProjection: Projection = {
  name: 'partner-subscriptions',
  version: 1,
  tables: ['partner_subscription_facts', 'partner_subscriptions'],
  schema: [
    `CREATE TABLE IF NOT EXISTS partner_subscription_facts (
      subscription_id TEXT PRIMARY KEY,
      customer_tenant_id TEXT NOT NULL,
      display_name TEXT NOT NULL,
      provisioned_by_partner_tenant_id TEXT,
      cancelled INTEGER NOT NULL
    )`,
    `CREATE TABLE IF NOT EXISTS partner_subscriptions (
      partner_tenant_id TEXT NOT NULL,
      customer_tenant_id TEXT NOT NULL,
      subscription_id TEXT NOT NULL,
      display_name TEXT NOT NULL,
      provisioned_by_partner_tenant_id TEXT,
      assignments TEXT NOT NULL,
      admin_agents_roles INTEGER NOT NULL,
      helpdesk_agents_roles INTEGER NOT NULL,
      PRIMARY KEY (partner_tenant_id, customer_tenant_id, subscription_id)
    )`,
    'CREATE INDEX IF NOT EXISTS partner_subscriptions_by_subscription ON partner_subscriptions (subscription_id)',
  ],
  queryIndexes: [
    `CREATE INDEX IF NOT EXISTS partner_subscriptions_by_name ON partner_subscriptions ${BY_NAME}`,
    // A partner's subscriptions in every customer, by name (azureSubscriptions with no customer).
    'CREATE INDEX IF NOT EXISTS partner_subscriptions_by_partner_name ON partner_subscriptions (partner_tenant_id, display_name, subscription_id)',
    // One per group, holding only the subscriptions on which it holds a role (R23).
    ...PARTNER_GROUPS.map(
      (group) =>
        `CREATE INDEX IF NOT EXISTS partner_subscriptions_${group.toLowerCase()} ON partner_subscriptions ${BY_NAME} WHERE ${groupHolds(group)}`,
    ),
  ],
  handlers: {
    AzureSubscriptionProvisioned: ({ data }, db) => {
      recordFacts(db, data, data.partnerTenantId);
      const row = {
        partner_tenant_id: data.partnerTenantId,
        customer_tenant_id: data.customerTenantId,
        subscription_id: data.subscriptionId,
        display_name: data.displayName,
        provisioned_by_partner_tenant_id: data.partnerTenantId,
        assignments: '[]',
      };
      if (!rowOf(db, row.partner_tenant_id, row.customer_tenant_id, row.subscription_id)) {
        writeRow(db, row, []);
      }
    },
    AzureSubscriptionRegistered: ({ data }, db) => recordFacts(db, data, null),
    SubscriptionRoleAssigned: assigned,
    SubscriptionRoleAssignmentRemoved: removed,
    AzureSubscriptionCancelled: ({ data }, db) => {
      db.run('UPDATE partner_subscription_facts SET cancelled = 1 WHERE subscription_id = ?', [
        data.subscriptionId,
      ]);
      db.run('DELETE FROM partner_subscriptions WHERE subscription_id = ?', [data.subscriptionId]);
    },
  },
};
