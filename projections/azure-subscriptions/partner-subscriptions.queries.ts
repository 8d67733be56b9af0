import {
  type AzureRole,
  PARTNER_GROUPS,
  type PartnerGroup,
} from '../../src/azure-subscriptions/domain/azure-roles';
import type { SqlRunner } from '../../src/platform/projection-engine/projection';
import { afterKey, type SubscriptionKey, type SubscriptionView } from './subscriptions.queries';

/** One of the partner's groups' active role assignments on the subscription, as stored. */
export interface StoredAssignment {
  id: string;
  role: AzureRole;
  roleDefinitionId: string;
  group: PartnerGroup;
  /** When it was assigned: the order the subscriptions read model lists assignments in. */
  at: string;
}

export interface PartnerSubscriptionRow {
  partner_tenant_id: string;
  customer_tenant_id: string;
  subscription_id: string;
  display_name: string;
  provisioned_by_partner_tenant_id: string | null;
  /** StoredAssignment[] as JSON, by `at`, then id. */
  assignments: string;
}

/** The most subscriptions a Customers page row lists: the rest are paged by azureSubscriptionsConnection. */
export const ROW_SUBSCRIPTIONS = 20;

/** A customer's subscriptions as one partner sees them on its Customers page row. */
export interface RowSubscriptions {
  /** The first ROW_SUBSCRIPTIONS by display name, then id. */
  listed: SubscriptionView[];
  /** Whether the partner sees more than are listed. */
  more: boolean;
  /**
   * For each partner group that holds a role on none of the listed but on one beyond them, the
   * first such by name, in that order: with `listed`, what the Azure portal's verdict needs (R23),
   * whichever of the partner's users reads the row.
   */
  beyond: SubscriptionView[];
}

/** A row of a customer in which the partner sees no subscription. */
export const NO_SUBSCRIPTIONS: RowSubscriptions = Object.freeze({
  listed: [],
  more: false,
  beyond: [],
});

/**
 * The row's subscriptions from those the partner sees there, in order (`views`, more than
 * `perRow` when there are more): `beyondOf` finds, for the groups given, the first beyond them.
 */
export function rowSubscriptionsOf(
  partnerTenantId: string,
  views: readonly SubscriptionView[],
  perRow: number,
  beyondOf: (groups: PartnerGroup[]) => SubscriptionView[],
): RowSubscriptions {
  const listed = views.slice(0, perRow);
  const more = views.length > perRow;
  const unlisted = PARTNER_GROUPS.filter(
    (group) => !listed.some((view) => grantsTo(view, partnerTenantId, group)),
  );
  return { listed, more, beyond: more && unlisted.length > 0 ? beyondOf(unlisted) : [] };
}

const GROUP_HOLDS: Record<PartnerGroup, string> = {
  ADMIN_AGENTS: 'admin_agents_roles > 0',
  HELPDESK_AGENTS: 'helpdesk_agents_roles > 0',
};

/** SQL: `group` holds a role on the subscription (the condition of that group's partial index). */
export const groupHolds = (group: PartnerGroup): string => GROUP_HOLDS[group];

const ORDER = 'display_name, subscription_id';

/** The partner's rows in one customer, or in every customer (each read in its own name index). */
const seenIn = (customerTenantId: string | undefined) =>
  customerTenantId === undefined
    ? 'partner_tenant_id = @partner'
    : 'partner_tenant_id = @partner AND customer_tenant_id = @customer';

function viewOf(row: PartnerSubscriptionRow): SubscriptionView {
  const assignments = JSON.parse(row.assignments) as StoredAssignment[];
  return {
    subscriptionId: row.subscription_id,
    displayName: row.display_name,
    customerTenantId: row.customer_tenant_id,
    provisionedByPartnerTenantId: row.provisioned_by_partner_tenant_id,
    cancelled: false,
    assignments: assignments.map(({ id, role, roleDefinitionId, group }) => ({
      assignmentId: id,
      role,
      roleDefinitionId,
      principal: { kind: 'PARTNER_GROUP', partnerTenantId: row.partner_tenant_id, group },
    })),
  };
}

/**
 * R17, R23: the live subscriptions a partner sees in its customers (partner-subscriptions read
 * model), with only its own groups' role assignments, as `maySeeSubscription` and the mapper's
 * `visibleTo` would leave them. Each customer costs an index seek and a bounded slice, whatever
 * the customer holds with other partners.
 */
export class PartnerSubscriptionsQueries {
  constructor(private readonly db: SqlRunner) {}

  /** A page's rows: each customer's first `perRow`, whether there are more, and `beyond`. */
  rowsOf(
    partnerTenantId: string,
    customerTenantIds: readonly string[],
    perRow = ROW_SUBSCRIPTIONS,
  ): Map<string, RowSubscriptions> {
    // The page's customers drive the join (CROSS JOIN keeps them outside): a bounded slice each.
    const rows = this.db.all<PartnerSubscriptionRow>(
      `SELECT ps.* FROM json_each(@ids) AS page CROSS JOIN partner_subscriptions ps
       WHERE ps.partner_tenant_id = @partner AND ps.customer_tenant_id = page.value
         AND ps.subscription_id IN (
           SELECT subscription_id FROM partner_subscriptions
           WHERE partner_tenant_id = @partner AND customer_tenant_id = page.value
           ORDER BY ${ORDER} LIMIT @limit)
       ORDER BY ps.display_name, ps.subscription_id`,
      { ids: JSON.stringify(customerTenantIds), partner: partnerTenantId, limit: perRow + 1 },
    );
    const byCustomer = new Map<string, SubscriptionView[]>(customerTenantIds.map((id) => [id, []]));
    for (const row of rows) byCustomer.get(row.customer_tenant_id)?.push(viewOf(row));
    return new Map(
      [...byCustomer].map(([customer, views]) => [
        customer,
        rowSubscriptionsOf(partnerTenantId, views, perRow, (groups) =>
          this.firstGranting(partnerTenantId, customer, groups),
        ),
      ]),
    );
  }

  /**
   * Every subscription the partner sees in one customer, by name, with its own groups' role
   * assignments: for answers about one pair (what it may do, what revoking its access ends), which
   * list each of them whatever else the customer holds.
   */
  allOf(partnerTenantId: string, customerTenantId: string): SubscriptionView[] {
    return this.pageOf(partnerTenantId, customerTenantId, -1);
  }

  /**
   * A page of the subscriptions the partner sees in one customer (undefined: in every customer), by
   * name then id, after `after`.
   */
  pageOf(
    partnerTenantId: string,
    customerTenantId: string | undefined,
    limit: number,
    after?: SubscriptionKey,
  ): SubscriptionView[] {
    const start = afterKey(after);
    return this.db
      .all<PartnerSubscriptionRow>(
        `SELECT * FROM partner_subscriptions
         WHERE ${seenIn(customerTenantId)} ${start.sql}
         ORDER BY ${ORDER} LIMIT @limit`,
        { partner: partnerTenantId, customer: customerTenantId, limit, ...start.params },
      )
      .map(viewOf);
  }

  /** How many subscriptions the partner sees in one customer, or in all (a connection's totalCount). */
  countOf(partnerTenantId: string, customerTenantId: string | undefined): number {
    return this.db.get<{ count: number }>(
      `SELECT COUNT(*) AS count FROM partner_subscriptions WHERE ${seenIn(customerTenantId)}`,
      { partner: partnerTenantId, customer: customerTenantId },
    )!.count;
  }

  /** For each of `groups`, the first subscription by name on which it holds a role. */
  private firstGranting(
    partnerTenantId: string,
    customerTenantId: string,
    groups: readonly PartnerGroup[],
  ): SubscriptionView[] {
    // One seek of each group's partial index.
    const firstOfEach = groups.map(
      (group) => `SELECT * FROM (SELECT * FROM partner_subscriptions
         WHERE partner_tenant_id = @partner AND customer_tenant_id = @customer AND ${groupHolds(group)}
         ORDER BY ${ORDER} LIMIT 1)`,
    );
    return this.db
      .all<PartnerSubscriptionRow>(`${firstOfEach.join(' UNION ')} ORDER BY ${ORDER}`, {
        partner: partnerTenantId,
        customer: customerTenantId,
      })
      .map(viewOf);
  }
}

/** Whether the partner's `group` holds a role on the subscription. */
export function grantsTo(view: SubscriptionView, partnerTenantId: string, group: PartnerGroup) {
  return view.assignments.some(
    ({ principal }) =>
      principal.kind === 'PARTNER_GROUP' &&
      principal.partnerTenantId === partnerTenantId &&
      principal.group === group,
  );
}
