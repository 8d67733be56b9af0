import type {
  CustomerHolder,
  SubscriptionFacts,
} from '../../src/azure-subscriptions/domain/subscription-access';
import type { AzureRole, Principal } from '../../src/azure-subscriptions/domain/azure-roles';
import type { RoleAssignment } from '../../src/azure-subscriptions/domain/events';
import type { SqlRunner } from '../../src/platform/projection-engine/projection';

interface SubscriptionRow {
  subscription_id: string;
  display_name: string;
  customer_tenant_id: string;
  provisioned_by_partner_tenant_id: string | null;
  cancelled_at: string | null;
}

interface AssignmentRow {
  assignment_id: string;
  subscription_id: string;
  role: AzureRole;
  role_definition_id: string;
  principal_kind: Principal['kind'];
  partner_tenant_id: string | null;
  partner_group: 'ADMIN_AGENTS' | 'HELPDESK_AGENTS' | null;
  user_id: string | null;
  /** From version 4 on; absent while version 3 serves (4 building beside it). */
  customer_group_id?: string | null;
}

/** Where a page of subscriptions by name starts: after this one. */
export interface SubscriptionKey {
  name: string;
  id: string;
}

/** A page's keyset condition on (display_name, subscription_id) and its parameters. */
export const afterKey = (after?: SubscriptionKey) =>
  after
    ? { sql: 'AND (display_name, subscription_id) > (@name, @id)', params: { ...after } }
    : { sql: '', params: {} };

export interface SubscriptionView extends SubscriptionFacts {
  displayName: string;
  cancelled: boolean;
}

function principalOf(row: AssignmentRow): Principal {
  switch (row.principal_kind) {
    case 'PARTNER_GROUP':
      return {
        kind: 'PARTNER_GROUP',
        partnerTenantId: row.partner_tenant_id ?? '',
        group: row.partner_group ?? 'ADMIN_AGENTS',
      };
    case 'CUSTOMER_GROUP':
      return { kind: 'CUSTOMER_GROUP', groupId: row.customer_group_id ?? '' };
    case 'CUSTOMER_USER':
      return { kind: 'CUSTOMER_USER', userId: row.user_id ?? '' };
  }
}

/**
 * Only subscriptions on which the customer user `@user`, or one of its groups `@groups` (where the
 * live version names groups), holds a role now (its index: one probe each).
 */
const heldBy = (groupsNamed: boolean) => `AND EXISTS (
  SELECT 1 FROM subscription_role_assignments held
  WHERE held.subscription_id = azure_subscriptions.subscription_id AND held.removed_at IS NULL
    AND ((held.principal_kind = 'CUSTOMER_USER' AND held.user_id = @user)${
      groupsNamed
        ? `
      OR (held.principal_kind = 'CUSTOMER_GROUP'
          AND held.customer_group_id IN (SELECT value FROM json_each(@groups)))`
        : ''
    }))`;

export class SubscriptionsQueries {
  constructor(private readonly db: SqlRunner) {}

  byId(subscriptionId: string): SubscriptionView | undefined {
    const row = this.db.get<SubscriptionRow>(
      'SELECT * FROM azure_subscriptions WHERE subscription_id = ?',
      [subscriptionId],
    );
    return row ? this.withAssignments([row])[0] : undefined;
  }

  /**
   * A page of a customer's live subscriptions, by name then id, after `after` (keyset); with
   * `heldBy`, only those on which that user of the customer holds a role.
   */
  pageOf(
    customerTenantId: string,
    limit: number,
    after?: SubscriptionKey,
    holder?: CustomerHolder,
  ): SubscriptionView[] {
    const start = afterKey(after);
    const held = this.heldBy(holder);
    const rows = this.db.all<SubscriptionRow>(
      `SELECT * FROM azure_subscriptions
       WHERE customer_tenant_id = @customer AND cancelled_at IS NULL ${held.sql}
         ${start.sql}
       ORDER BY display_name, subscription_id LIMIT @limit`,
      { customer: customerTenantId, limit, ...start.params, ...held.params },
    );
    return this.withAssignments(rows);
  }

  /** How many live subscriptions a customer has (`holder`: as pageOf), for totalCount. */
  countOf(customerTenantId: string, holder?: CustomerHolder): number {
    const held = this.heldBy(holder);
    return this.db.get<{ count: number }>(
      `SELECT COUNT(*) AS count FROM azure_subscriptions
       WHERE customer_tenant_id = @customer AND cancelled_at IS NULL ${held.sql}`,
      { customer: customerTenantId, ...held.params },
    )!.count;
  }

  private heldBy(holder: CustomerHolder | undefined): { sql: string; params: object } {
    if (!holder) return { sql: '', params: {} };
    const groupsNamed = this.assignmentsHave('customer_group_id');
    return {
      sql: heldBy(groupsNamed),
      params: {
        user: holder.userId,
        ...(groupsNamed ? { groups: JSON.stringify(holder.groupIds) } : {}),
      },
    };
  }

  /**
   * Several customers' subscriptions (a page of them) in two queries, cancelled ones left out: as
   * they are now, or as they were at `asOf` (R43) with the role assignments they had then.
   */
  ofCustomers(customerTenantIds: readonly string[], asOf?: Date): Map<string, SubscriptionView[]> {
    return this.byCustomer(customerTenantIds, asOf, null);
  }

  /**
   * `ofCustomers`, only those `partnerTenantId` may see (R17, `partnerMaySeeSubscription`), decided
   * in SQL: those it provisioned and those its groups held a role on at the moment, each read by
   * (partner, customer). A past Customers page loads neither the subscriptions other partners hold
   * in its customers nor their role assignments, and its cost does not grow with them. Only a
   * partner group's assignment names a partner.
   */
  seenByPartner(
    partnerTenantId: string,
    customerTenantIds: readonly string[],
    asOf?: Date,
  ): Map<string, SubscriptionView[]> {
    if (!this.assignmentsHave('customer_tenant_id'))
      return this.byCustomer(customerTenantIds, asOf, partnerTenantId);
    const moment = asOf?.toISOString() ?? null;
    const rows = this.db.all<SubscriptionRow>(
      `SELECT * FROM azure_subscriptions
       WHERE subscription_id IN (
           SELECT subscription_id FROM azure_subscriptions
           WHERE provisioned_by_partner_tenant_id = @partner
             AND customer_tenant_id IN (SELECT value FROM json_each(@ids))
           UNION ALL
           SELECT subscription_id FROM subscription_role_assignments
           WHERE partner_tenant_id = @partner
             AND customer_tenant_id IN (SELECT value FROM json_each(@ids))
             AND (@moment IS NULL OR assigned_at <= @moment)
             AND (removed_at IS NULL OR removed_at > @moment))
         AND (@moment IS NULL OR created_at <= @moment)
         AND (cancelled_at IS NULL OR cancelled_at > @moment)
       ORDER BY display_name, subscription_id`,
      { ids: JSON.stringify(customerTenantIds), moment, partner: partnerTenantId },
    );
    return this.grouped(customerTenantIds, this.withAssignments(rows, moment));
  }

  /**
   * Whether the live version's assignments have `column`: each one's customer (version 3 on), a
   * customer group's id (version 4 on). While an earlier version serves (the current one built
   * beside it), a page is read as it was: without the customer, every subscription of its
   * customers probed once by its id.
   */
  private assignmentsHave(column: 'customer_tenant_id' | 'customer_group_id'): boolean {
    return (
      this.db.get(
        `SELECT 1 AS found FROM pragma_table_info('subscription_role_assignments') WHERE name = ?`,
        [column],
      ) !== undefined
    );
  }

  private byCustomer(
    customerTenantIds: readonly string[],
    asOf: Date | undefined,
    partner: string | null,
  ): Map<string, SubscriptionView[]> {
    const moment = asOf?.toISOString() ?? null;
    const rows = this.db.all<SubscriptionRow>(
      `SELECT * FROM azure_subscriptions AS subscription
       WHERE customer_tenant_id IN (SELECT value FROM json_each(@ids))
         AND (@moment IS NULL OR created_at <= @moment)
         AND (cancelled_at IS NULL OR cancelled_at > @moment)
         AND (@partner IS NULL OR provisioned_by_partner_tenant_id = @partner OR EXISTS (
           SELECT 1 FROM subscription_role_assignments AS held
           WHERE held.subscription_id = subscription.subscription_id
             AND +held.partner_tenant_id = @partner
             AND (@moment IS NULL OR held.assigned_at <= @moment)
             AND (held.removed_at IS NULL OR held.removed_at > @moment)))
       ORDER BY display_name, subscription_id`,
      { ids: JSON.stringify(customerTenantIds), moment, partner },
    );
    return this.grouped(customerTenantIds, this.withAssignments(rows, moment));
  }

  /** `views` by customer, in their order, each of `customerTenantIds` listed (empty if none). */
  private grouped(
    customerTenantIds: readonly string[],
    views: SubscriptionView[],
  ): Map<string, SubscriptionView[]> {
    const byCustomer = new Map<string, SubscriptionView[]>(customerTenantIds.map((id) => [id, []]));
    for (const view of views) byCustomer.get(view.customerTenantId)?.push(view);
    return byCustomer;
  }

  private withAssignments(
    rows: SubscriptionRow[],
    moment: string | null = null,
  ): SubscriptionView[] {
    const assignments = this.db.all<AssignmentRow>(
      `SELECT * FROM subscription_role_assignments
       WHERE subscription_id IN (SELECT value FROM json_each(@ids))
         AND (@moment IS NULL OR assigned_at <= @moment)
         AND (removed_at IS NULL OR removed_at > @moment)
       ORDER BY assigned_at, assignment_id`,
      { ids: JSON.stringify(rows.map((row) => row.subscription_id)), moment },
    );
    const bySubscription = new Map<string, RoleAssignment[]>(
      rows.map((row) => [row.subscription_id, []]),
    );
    for (const assignment of assignments) {
      bySubscription.get(assignment.subscription_id)?.push({
        assignmentId: assignment.assignment_id,
        role: assignment.role,
        roleDefinitionId: assignment.role_definition_id,
        principal: principalOf(assignment),
      });
    }
    return rows.map((row) => ({
      subscriptionId: row.subscription_id,
      displayName: row.display_name,
      customerTenantId: row.customer_tenant_id,
      provisionedByPartnerTenantId: row.provisioned_by_partner_tenant_id,
      cancelled: row.cancelled_at !== null && (moment === null || row.cancelled_at <= moment),
      assignments: bySubscription.get(row.subscription_id) ?? [],
    }));
  }
}
