import { partnerSubscriptionsProjection } from '../../../projections/azure-subscriptions/partner-subscriptions.projection';
import {
  PartnerSubscriptionsQueries,
  type RowSubscriptions,
} from '../../../projections/azure-subscriptions/partner-subscriptions.queries';
import { subscriptionsProjection } from '../../../projections/azure-subscriptions/subscriptions.projection';
import {
  type SubscriptionView,
  SubscriptionsQueries,
} from '../../../projections/azure-subscriptions/subscriptions.queries';
import {
  AZURE_ROLES,
  PARTNER_GROUPS,
  type PartnerGroup,
  ROLE_DEFINITION_IDS,
} from '../../../src/azure-subscriptions/domain/azure-roles';
import type { RoleAssignment } from '../../../src/azure-subscriptions/domain/events';
import { partnerMaySeeSubscription } from '../../../src/azure-subscriptions/domain/subscription-access';
import type { EventType } from '../../../src/events';
import { plannedRunner } from '../../support/planned-runner';
import { at } from '../../support/projection-spec';
import { replayedReadStores } from '../../support/replayed';
import { seeded } from '../../support/seeded';
import { rowSubscriptionsAsOf } from '../../../src/delegated-admin/customers-page/customers-page';

const PARTNERS = ['contoso-partners', 'northwind-partners', 'adatum-partners'];
const CUSTOMERS = ['fabrikam', 'tailspin'];
const NAMES = ['Prod', 'Dev', 'Test', 'Prod']; // one name twice: ties broken by id

type Recorded = [number, EventType, Record<string, unknown>];

interface LiveSubscription {
  subscriptionId: string;
  customerTenantId: string;
  assignments: RoleAssignment[];
}

/**
 * A random but valid life of some subscriptions: provisioned by one of the partners or registered
 * by the customer, role assignments to partner groups and customer users coming and going (never
 * the same principal and role twice, as the decider refuses), some cancelled. Moments repeat, so
 * assignments of one moment are ordered by id.
 */
function randomHistory(seed: number, length: number): Recorded[] {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const live: LiveSubscription[] = [];
  const history: Recorded[] = [];
  let minute = 0;
  let made = 0;
  for (let step = 0; step < length; step++) {
    if (random() < 0.4) minute++;
    const choice = random();
    if (live.length === 0 || choice < 0.2) {
      const subscription = {
        subscriptionId: `sub-${seed}-${++made}`,
        customerTenantId: pick(CUSTOMERS),
        assignments: [],
      };
      live.push(subscription);
      const scope = {
        subscriptionId: subscription.subscriptionId,
        customerTenantId: subscription.customerTenantId,
        displayName: pick(NAMES),
      };
      history.push(
        random() < 0.6
          ? [
              minute,
              'AzureSubscriptionProvisioned',
              { ...scope, partnerTenantId: pick(PARTNERS), partnerName: 'P' },
            ]
          : [minute, 'AzureSubscriptionRegistered', scope],
      );
      continue;
    }
    const subscription = pick(live);
    const scope = {
      subscriptionId: subscription.subscriptionId,
      customerTenantId: subscription.customerTenantId,
    };
    if (choice < 0.6) {
      const role = pick(AZURE_ROLES);
      const principal =
        random() < 0.8
          ? {
              kind: 'PARTNER_GROUP' as const,
              partnerTenantId: pick(PARTNERS),
              group: pick(PARTNER_GROUPS),
            }
          : { kind: 'CUSTOMER_USER' as const, userId: pick(['fay', 'gus']) };
      if (
        subscription.assignments.some(
          (held) =>
            held.role === role && JSON.stringify(held.principal) === JSON.stringify(principal),
        )
      ) {
        continue;
      }
      const assignment: RoleAssignment = {
        assignmentId: `a-${Math.floor(random() * 1000)}-${seed}-${step}`,
        role,
        roleDefinitionId: ROLE_DEFINITION_IDS[role],
        principal,
      };
      subscription.assignments.push(assignment);
      history.push([minute, 'SubscriptionRoleAssigned', { ...scope, ...assignment }]);
    } else if (choice < 0.9 && subscription.assignments.length > 0) {
      const assignment = pick(subscription.assignments);
      subscription.assignments = subscription.assignments.filter((held) => held !== assignment);
      history.push([minute, 'SubscriptionRoleAssignmentRemoved', { ...scope, ...assignment }]);
    } else if (choice >= 0.9) {
      live.splice(live.indexOf(subscription), 1);
      history.push([minute, 'AzureSubscriptionCancelled', scope]);
    }
  }
  return history;
}

/** What the Customers page showed a partner before: every live subscription it may see, its own groups' assignments only. */
function seenBefore(all: SubscriptionView[], partnerTenantId: string): SubscriptionView[] {
  return all
    .filter((view) => partnerMaySeeSubscription(partnerTenantId, view))
    .map((view) => ({
      ...view,
      assignments: view.assignments.filter(
        ({ principal }) =>
          principal.kind === 'PARTNER_GROUP' && principal.partnerTenantId === partnerTenantId,
      ),
    }));
}

const holds = (view: SubscriptionView, group: PartnerGroup) =>
  view.assignments.some(
    ({ principal }) => principal.kind === 'PARTNER_GROUP' && principal.group === group,
  );

/** The row `perRow` allows, worked out from the whole list. */
function expectedRow(seen: SubscriptionView[], perRow: number): RowSubscriptions {
  const listed = seen.slice(0, perRow);
  const firsts = PARTNER_GROUPS.filter((group) => !listed.some((view) => holds(view, group))).map(
    (group) => seen.slice(perRow).find((view) => holds(view, group)),
  );
  return {
    listed,
    more: seen.length > perRow,
    beyond: seen.slice(perRow).filter((view) => firsts.includes(view)),
  };
}

describe('partner-subscriptions read model (R17, R23)', () => {
  const replayed = replayedReadStores('partner-subscriptions', [
    subscriptionsProjection,
    partnerSubscriptionsProjection,
  ]);

  async function projected(name: string, history: Recorded[]) {
    const reads = await replayed(
      name,
      history.map(([minute, type, data]) => ({
        streamId: `subscription-${String(data.subscriptionId)}`,
        type,
        data,
        occurredAt: at(minute),
      })),
    );
    return {
      reads,
      all: new SubscriptionsQueries(reads),
      seen: new PartnerSubscriptionsQueries(reads),
    };
  }

  it('R17, R23: a row lists what the partner saw of every subscription before, cut at the row’s size, over random histories', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const { all, seen } = await projected(`random-${seed}`, randomHistory(seed, 80));
      const every = all.ofCustomers(CUSTOMERS);
      for (const partner of PARTNERS) {
        for (const perRow of [1, 2, 1000]) {
          const rows = seen.rowsOf(partner, CUSTOMERS, perRow);
          for (const customer of CUSTOMERS) {
            const before = seenBefore(every.get(customer)!, partner);
            expect({ seed, partner, perRow, customer, row: rows.get(customer) }).toEqual({
              seed,
              partner,
              perRow,
              customer,
              row: expectedRow(before, perRow),
            });
          }
        }
      }
    }
  });

  it('R17, R43: a past page reads only the subscriptions the partner could see then (provisioned, or a role held by one of its groups), the same as every subscription filtered by partnerMaySeeSubscription, over random histories', async () => {
    for (let seed = 1; seed <= 8; seed++) {
      const history = randomHistory(seed, 80);
      const { all } = await projected(`as-of-${seed}`, history);
      const last = history[history.length - 1][0];
      for (let minute = 0; minute <= last + 1; minute++) {
        const asOf = new Date(at(minute));
        const every = all.ofCustomers(CUSTOMERS, asOf);
        for (const partner of PARTNERS) {
          const seen = all.seenByPartner(partner, CUSTOMERS, asOf);
          for (const customer of CUSTOMERS) {
            expect({ seed, minute, partner, customer, seen: seen.get(customer) }).toEqual({
              seed,
              minute,
              partner,
              customer,
              seen: every.get(customer)!.filter((view) => partnerMaySeeSubscription(partner, view)),
            });
          }
        }
      }
    }
  });

  it('R17: a page reads each customer’s slice from an index, however many subscriptions others hold there, and so do the connection’s pages and a past page’s role checks', async () => {
    const history: Recorded[] = [];
    for (let index = 0; index < 300; index++) {
      const scope = {
        subscriptionId: `other-${index}`,
        customerTenantId: 'fabrikam',
        displayName: `Other ${index}`,
      };
      history.push([
        1,
        'AzureSubscriptionProvisioned',
        { ...scope, partnerTenantId: 'northwind-partners', partnerName: 'N' },
      ]);
    }
    history.push([
      2,
      'AzureSubscriptionProvisioned',
      {
        subscriptionId: 'own',
        customerTenantId: 'fabrikam',
        displayName: 'Own',
        partnerTenantId: 'contoso-partners',
        partnerName: 'C',
      },
    ]);
    const { reads, seen } = await projected('crowded', history);
    expect(
      seen
        .rowsOf('contoso-partners', ['fabrikam'])
        .get('fabrikam')!
        .listed.map((view) => view.subscriptionId),
    ).toEqual(['own']);
    const northwind = seen.rowsOf('northwind-partners', ['fabrikam']).get('fabrikam')!;
    expect([northwind.listed.length, northwind.more]).toEqual([20, true]);

    const { runner, plans } = plannedRunner(reads);
    new PartnerSubscriptionsQueries(runner).rowsOf('contoso-partners', ['fabrikam', 'tailspin']);
    expect(plans).toHaveLength(1);
    const steps = plans[0].split(' | ');
    expect(steps).toEqual([
      expect.stringMatching(/^SCAN page VIRTUAL TABLE/),
      expect.stringMatching(
        /^SEARCH ps USING INDEX .* \(partner_tenant_id=\? AND customer_tenant_id=\? AND subscription_id=\?\)$/,
      ),
      'CORRELATED LIST SUBQUERY 1',
      'SEARCH partner_subscriptions USING COVERING INDEX partner_subscriptions_by_name (partner_tenant_id=? AND customer_tenant_id=?)',
      'USE TEMP B-TREE FOR ORDER BY',
    ]);

    // A past page: the partner's subscriptions and role assignments in these customers, each read
    // by (partner, customer); the others' subscriptions there are never read (version 2 probed
    // each by its id). The first statement asks which version serves.
    const past = plannedRunner(reads);
    const seenThen = new SubscriptionsQueries(past.runner).seenByPartner(
      'contoso-partners',
      ['fabrikam'],
      new Date(at(3)),
    );
    expect(seenThen.get('fabrikam')!.map((view) => view.subscriptionId)).toEqual(['own']);
    expect(past.plans[1].split(' | ')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /USING COVERING INDEX azure_subscriptions_by_provider \(provisioned_by_partner_tenant_id=\? AND customer_tenant_id=\?\)/,
        ),
        expect.stringMatching(
          /USING COVERING INDEX role_assignments_by_partner_customer \(partner_tenant_id=\? AND customer_tenant_id=\?\)/,
        ),
      ]),
    );
    expect(past.plans.join(' | ')).not.toMatch(/azure_subscriptions_by_customer|SCAN azure/);

    // azureSubscriptionsConnection's pages: a seek into an ordered index, no sort of the rest.
    const pages = plannedRunner(reads);
    const after = { name: 'Other 1', id: 'other-1' };
    new PartnerSubscriptionsQueries(pages.runner).pageOf(
      'northwind-partners',
      'fabrikam',
      8,
      after,
    );
    new SubscriptionsQueries(pages.runner).pageOf('fabrikam', 8, after);
    expect(pages.plans.slice(0, 2)).toEqual([
      'SEARCH partner_subscriptions USING INDEX partner_subscriptions_by_name (partner_tenant_id=? AND customer_tenant_id=? AND (display_name,subscription_id)>(?,?))',
      'SEARCH azure_subscriptions USING INDEX azure_subscriptions_live_by_customer (customer_tenant_id=? AND (display_name,subscription_id)>(?,?))',
    ]);
    expect(
      new PartnerSubscriptionsQueries(reads)
        .pageOf('northwind-partners', 'fabrikam', 3, after)
        .map((view) => view.displayName),
    ).toEqual(['Other 10', 'Other 100', 'Other 101']);
  });

  it('R43: a row asOf a past moment is cut from every subscription then as a current row is', () => {
    const partnerGroup = (partnerTenantId: string, group: PartnerGroup) => ({
      assignmentId: `${partnerTenantId}-${group}`,
      role: 'READER' as const,
      roleDefinitionId: ROLE_DEFINITION_IDS.READER,
      principal: { kind: 'PARTNER_GROUP' as const, partnerTenantId, group },
    });
    const view = (index: number, by: string, ...assignments: RoleAssignment[]) => ({
      subscriptionId: `sub-${index}`,
      displayName: `S${String(index).padStart(2, '0')}`,
      customerTenantId: 'fabrikam',
      provisionedByPartnerTenantId: by,
      cancelled: false,
      assignments,
    });
    const contoso = 'contoso-partners';
    const every = [
      view(0, 'northwind-partners'),
      ...Array.from({ length: 20 }, (_, index) =>
        view(index + 1, contoso, partnerGroup('northwind-partners', 'ADMIN_AGENTS')),
      ),
      view(21, contoso, partnerGroup(contoso, 'ADMIN_AGENTS')),
      view(22, 'northwind-partners', partnerGroup(contoso, 'HELPDESK_AGENTS')),
      view(23, contoso, partnerGroup(contoso, 'HELPDESK_AGENTS')),
    ];
    const row = rowSubscriptionsAsOf(contoso, every);
    expect(row.listed.map((listed) => listed.displayName)).toEqual(
      every.slice(1, 21).map((listed) => listed.displayName),
    );
    expect([row.more, row.beyond.map((beyond) => beyond.displayName)]).toEqual([
      true,
      ['S21', 'S22'],
    ]);
    every[5].assignments.push(partnerGroup(contoso, 'HELPDESK_AGENTS'));
    expect(rowSubscriptionsAsOf(contoso, every).beyond.map((beyond) => beyond.displayName)).toEqual(
      ['S21'],
    );
  });
});
