import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subscriptionsProjection } from '../../../projections/azure-subscriptions/subscriptions.projection';
import { SubscriptionsQueries } from '../../../projections/azure-subscriptions/subscriptions.queries';
import { partnerMaySeeSubscription } from '../../../src/azure-subscriptions/domain/subscription-access';
import { schemaVersionOf, type EventType } from '../../../src/events';
import type { Projection } from '../../../src/platform/projection-engine/projection';
import type { EventStore } from '../../../src/platform/event-store/event-store';
import { readContent } from '../../../src/platform/event-store/stored-content';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { newEvent, newMetadata } from '../../support/events';
import { at } from '../../support/projection-spec';

const customer = 'fabrikam';
const partner = { partnerTenantId: 'contoso-partners', partnerName: 'Contoso' };
const owner = {
  role: 'OWNER',
  roleDefinitionId: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  principal: { kind: 'PARTNER_GROUP', partnerTenantId: 'contoso-partners', group: 'ADMIN_AGENTS' },
};
const reader = {
  role: 'READER',
  roleDefinitionId: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  principal: { kind: 'CUSTOMER_USER', userId: 'fay' },
};
const s1 = { subscriptionId: 'sub-1', customerTenantId: customer };
const s2 = { subscriptionId: 'sub-2', customerTenantId: customer };
const s3 = { subscriptionId: 'sub-3', customerTenantId: customer };
const s4 = { subscriptionId: 'sub-4', customerTenantId: customer };
const s5 = { subscriptionId: 'sub-5', customerTenantId: customer };
const other = { partnerTenantId: 'northwind-partners', partnerName: 'Northwind' };
const otherOwner = {
  ...owner,
  principal: {
    kind: 'PARTNER_GROUP',
    partnerTenantId: 'northwind-partners',
    group: 'ADMIN_AGENTS',
  },
};
const helpdeskReader = {
  ...reader,
  principal: {
    kind: 'PARTNER_GROUP',
    partnerTenantId: 'contoso-partners',
    group: 'HELPDESK_AGENTS',
  },
};

/** [minute, type, data]: a subscription's life, with its assignments coming and going. */
const HISTORY: [number, EventType, object][] = [
  [1, 'AzureSubscriptionProvisioned', { ...s1, ...partner, displayName: 'Prod' }],
  [2, 'SubscriptionRoleAssigned', { ...s1, ...partner, assignmentId: 'a-1', ...owner }],
  [3, 'AzureSubscriptionRegistered', { ...s2, displayName: 'Own' }],
  [4, 'SubscriptionRoleAssigned', { ...s2, ...partner, assignmentId: 'a-2', ...reader }],
  [5, 'SubscriptionRoleAssignmentRemoved', { ...s1, ...partner, assignmentId: 'a-1', ...owner }],
  [6, 'AzureSubscriptionCancelled', s1],
  [7, 'AzureSubscriptionProvisioned', { ...s3, ...partner, displayName: 'Dev' }],
  // Another partner's subscription in the same customer, and the customer's own, on which
  // Contoso's Helpdesk Agents hold a role for a while.
  [8, 'AzureSubscriptionProvisioned', { ...s4, ...other, displayName: 'Theirs' }],
  [9, 'SubscriptionRoleAssigned', { ...s4, ...other, assignmentId: 'a-4', ...otherOwner }],
  [10, 'AzureSubscriptionRegistered', { ...s5, displayName: 'Shared' }],
  [11, 'SubscriptionRoleAssigned', { ...s5, ...partner, assignmentId: 'a-5', ...helpdeskReader }],
  [
    12,
    'SubscriptionRoleAssignmentRemoved',
    { ...s5, ...partner, assignmentId: 'a-5', ...helpdeskReader },
  ],
];

describe('R43: asOf Azure subscriptions', () => {
  let dir: string;
  let store: SqliteEventStore;
  const opened: ReadStore[] = [];

  /** A read store that replayed only the events recorded up to `moment` (all when none). */
  const replayedUpTo = async (
    name: string,
    moment?: string,
    projection: Projection = subscriptionsProjection,
  ): Promise<SubscriptionsQueries> => {
    const reads = new ReadStore(join(dir, name));
    opened.push(reads);
    const upTo: EventStore = Object.create(store) as EventStore;
    upTo.readAll = async (options) =>
      (await store.readAll(options)).filter(
        (event) => moment === undefined || readContent(event).metadata.occurredAt <= moment,
      );
    await new ProjectionEngine(upTo, reads, [projection]).catchUp();
    return new SubscriptionsQueries(reads);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'subscriptions-as-of-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    for (const [minute, type, data] of HISTORY) {
      const metadata = newMetadata({
        occurredAt: at(minute),
        schemaVersion: schemaVersionOf(type),
      });
      await store.append(`subscription-${minute}`, [newEvent(type, data, { metadata })], 'any');
    }
  });

  afterAll(async () => {
    opened.forEach((reads) => reads.close());
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('R43: the subscriptions and role assignments asOf a moment are those of a projection replayed only up to it', async () => {
    const live = await replayedUpTo('live.db');
    const moments = [at(0), at(1), at(2), at(4), at(5), at(6), at(7)];
    for (const [index, moment] of moments.entries()) {
      const past = await replayedUpTo(`past-${index}.db`, moment);
      const asOf = live.ofCustomers([customer], new Date(moment));
      expect(asOf).toEqual(past.ofCustomers([customer]));
    }
    const atFour = live.ofCustomers([customer], new Date(at(4))).get(customer)!;
    expect(atFour.map((view) => [view.subscriptionId, view.assignments.length])).toEqual([
      ['sub-2', 1],
      ['sub-1', 1],
    ]);
    expect(
      live
        .ofCustomers([customer])
        .get(customer)!
        .map((view) => view.subscriptionId),
    ).toEqual(['sub-3', 'sub-2', 'sub-5', 'sub-4']);
  });

  // Version 3 reads them by (partner, customer): another partner's subscriptions in the same
  // customers are never read. Version 2, which serves while 3 builds, probes every one.
  it('R17, R43: a partner sees asOf each moment what it could see then, the same from version 3 as from version 2', async () => {
    const live = await replayedUpTo('seen-v3.db');
    const previous = await replayedUpTo('seen-v2.db', undefined, subscriptionsProjection.previous);
    const moments = [at(0), at(2), at(5), at(8), at(9), at(11), at(12)];
    for (const moment of moments) {
      const asOf = new Date(moment);
      const mayBeSeen = live
        .ofCustomers([customer], asOf)
        .get(customer)!
        .filter((view) => partnerMaySeeSubscription(partner.partnerTenantId, view));
      const seen = live.seenByPartner(partner.partnerTenantId, [customer], asOf);
      expect(seen.get(customer)).toEqual(mayBeSeen);
      expect(previous.seenByPartner(partner.partnerTenantId, [customer], asOf)).toEqual(seen);
    }
    const ids = (moment: string) =>
      live
        .seenByPartner(partner.partnerTenantId, [customer], new Date(moment))
        .get(customer)!
        .map((view) => view.subscriptionId);
    expect(ids(at(11))).toEqual(['sub-3', 'sub-5']);
    expect(ids(at(12))).toEqual(['sub-3']);
  });
});
