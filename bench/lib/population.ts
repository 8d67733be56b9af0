import { streamIds } from '../../src/platform/domain/streams';
import { Random, Zipf } from './random';
import { type CustomerTenant, type PartnerTenant, World, type WorldEvent } from './world';

/** How many stories (one partner–customer pair each) advance interleaved, as in real traffic. */
const CONCURRENT_STORIES = 2000;

export interface PopulationOptions {
  seed: number;
  /** Stop once at least this many events were produced. */
  events: number;
  /** Partners; the busiest are Zipf-distributed (a few large CSPs, many small ones). */
  partners?: number;
  /** When the last event happens; the history runs back from there. */
  end?: Date;
  meanStepMs?: number;
}

/**
 * A realistic history: partners invite customers (some emails edited, some invitations cancelled
 * and re-sent), customers accept, with or without DAP; partners open service requests, busy
 * partners many; some customers remove DAP and some later accept a new invitation restoring it;
 * partners provision Azure subscriptions (customers and partners assign and remove roles on them),
 * customers register their own; partners create Autopilot profiles, add devices (some with 4K
 * hardware hashes) and assign profiles to them; a few partners cancel and end the relationship; some customers
 * work with two partners. Extend `pairStory` as new aggregates land.
 */
export function generatePopulation(
  options: PopulationOptions,
  emit: (event: WorldEvent) => void,
): void {
  const random = new Random(options.seed);
  const meanStepMs = options.meanStepMs ?? 20_000;
  const end = options.end ?? new Date(Date.now() - 60_000);
  const world = new World(random, emit, {
    start: new Date(end.getTime() - options.events * meanStepMs),
    meanStepMs,
  });
  const partners = Array.from({ length: options.partners ?? 2000 }, (_, i) => world.partner(i));
  const byPartnerRank = new Zipf(partners.length, random);
  const recentCustomers: CustomerTenant[] = [];
  /** Every pair ever used: a finished pair's streams are forgotten, so it is never used again. */
  const usedPairs = new Set<string>();
  let customers = 0;

  const newStory = (): Iterator<void> => {
    const rank = byPartnerRank.next();
    const partner = partners[rank];
    let customer: CustomerTenant | undefined;
    if (recentCustomers.length > 100 && random.chance(0.1)) {
      const existing = random.pick(recentCustomers);
      if (!usedPairs.has(`${partner.tenantId}_${existing.tenantId}`)) customer = existing;
    }
    customer ??= world.customer(customers++);
    if (recentCustomers.length < 1000) recentCustomers.push(customer);
    else recentCustomers[random.int(recentCustomers.length)] = customer;
    usedPairs.add(`${partner.tenantId}_${customer.tenantId}`);
    // Busy partners open more service requests.
    const activity = 1 + 12 / Math.sqrt(rank + 1);
    return pairStory(world, random, partner, customer, activity);
  };

  const stories: Iterator<void>[] = [];
  while (world.emitted < options.events) {
    if (stories.length < CONCURRENT_STORIES) stories.push(newStory());
    const index = random.int(stories.length);
    if (stories[index].next().done) {
      stories[index] = stories[stories.length - 1];
      stories.pop();
    }
  }
}

function* pairStory(
  world: World,
  random: Random,
  partner: PartnerTenant,
  customer: CustomerTenant,
  activity: number,
): Generator<void, void, void> {
  const agent = random.chance(0.7) ? partner.admin : partner.sales;
  const withDap = random.chance(0.8);
  const addressed = () => (random.chance(0.5) ? { domain: customer.domain } : null);
  let invitation = world.request(agent, withDap, addressed());
  yield;
  if (random.chance(0.2)) {
    world.editEmail(agent, invitation);
    yield;
  }
  if (random.chance(0.08)) {
    world.cancel(agent, invitation);
    yield;
    invitation = world.request(agent, withDap, addressed());
    yield;
  }
  world.accept(customer.admin, invitation);
  yield;
  const subscriptions = random.chance(0.3) ? 1 + geometric(random, 0.5) : 0;
  const provisioned: string[] = [];
  for (let i = 0; i < subscriptions; i++) {
    const subscriptionId = world.provisionSubscription(agent, customer.tenantId);
    provisioned.push(subscriptionId);
    yield;
    if (random.chance(0.4)) {
      const principal = { kind: 'CUSTOMER_USER', userId: random.uuid() } as const;
      const role = random.chance(0.5) ? 'READER' : 'CONTRIBUTOR';
      const assignmentId = world.assignRole(customer.admin, subscriptionId, principal, role);
      yield;
      if (random.chance(0.25)) {
        world.removeRoleAssignment(customer.admin, subscriptionId, assignmentId);
        yield;
      }
    }
    if (random.chance(0.2)) {
      const helpdesk = {
        kind: 'PARTNER_GROUP',
        partnerTenantId: partner.tenantId,
        group: 'HELPDESK_AGENTS',
      } as const;
      world.assignRole(partner.admin, subscriptionId, helpdesk, 'READER');
      yield;
    }
  }
  if (random.chance(0.15)) {
    const own = world.registerSubscription(customer.admin);
    yield;
    const principal = { kind: 'CUSTOMER_USER', userId: random.uuid() } as const;
    world.assignRole(customer.admin, own, principal, 'OWNER');
    yield;
    world.forget(streamIds.subscription(own));
  }
  if (random.chance(0.25)) {
    const profileId = world.createAutopilotProfile(partner.admin, customer.tenantId);
    yield;
    const deviceIds = world.addAutopilotDevices(
      random.chance(0.7) ? partner.admin : partner.sales,
      customer.tenantId,
      1 + geometric(random, 3),
    );
    yield;
    for (const deviceId of deviceIds) {
      if (!random.chance(0.6)) continue;
      world.assignAutopilotProfile(partner.admin, deviceId, profileId);
      yield;
    }
    // The customer's registry is kept: another partner's story may add to it later.
  }
  let dapActive = withDap;
  const serviceRequests = geometric(random, activity);
  for (let i = 0; i < serviceRequests && dapActive; i++) {
    world.openServiceRequest(
      random.chance(0.6) ? partner.admin : partner.helpdesk,
      customer.tenantId,
    );
    yield;
    if (random.chance(0.04)) {
      world.removeDelegatedAdmin(customer.admin, partner.tenantId);
      dapActive = false;
      yield;
      if (random.chance(0.5)) {
        invitation = world.request(partner.admin, true, { tenantId: customer.tenantId });
        yield;
        world.accept(customer.admin, invitation);
        dapActive = true;
        yield;
      }
    }
  }
  if (dapActive && random.chance(0.1)) {
    world.removeDelegatedAdmin(customer.admin, partner.tenantId);
    yield;
  }
  if (random.chance(0.05)) {
    // R9: the partner cancels what it provisioned, then ends the relationship (DAP goes with it).
    for (const subscriptionId of provisioned) {
      world.cancelSubscription(partner.admin, subscriptionId);
      yield;
    }
    world.endRelationship(partner.admin, customer.tenantId, []);
    yield;
  }
  provisioned.forEach((subscriptionId) => world.forget(streamIds.subscription(subscriptionId)));
  world.forgetPair(partner.tenantId, customer.tenantId);
}

/** A count with mean `mean` (at least 0), long-tailed like real activity. */
function geometric(random: Random, mean: number): number {
  const p = 1 / (1 + mean);
  return Math.floor(Math.log(1 - random.next()) / Math.log(1 - p));
}

/** What the HTTP and command-path benchmarks act on, beside a background population. */
export interface Scenario {
  /** The partner whose Customers page is read, and its agent. */
  pagePartner: PartnerTenant;
  /** Pending invitations of `acceptPartner`, each for a different new customer to accept. */
  acceptPartner: PartnerTenant;
  pendingInvitations: { invitationId: string; customer: CustomerTenant }[];
  /** Pairs with DAP active that nothing else touches: each may be removed once. */
  removablePairs: { partner: PartnerTenant; customer: CustomerTenant }[];
  /** Pairs with DAP active for service requests, hottest first (pick them by Zipf rank). */
  busyPairs: { partner: PartnerTenant; customer: CustomerTenant }[];
  partners: PartnerTenant[];
}

export interface ScenarioOptions {
  seed: number;
  backgroundEvents: number;
  pageCustomers: number;
  pendingInvitations: number;
  removablePairs: number;
  busyPairs?: number;
  partners?: number;
}

/** A background population, then the fixtures the benchmarks need, all through the deciders. */
export function generateScenario(
  options: ScenarioOptions,
  emit: (event: WorldEvent) => void,
): Scenario {
  if (options.backgroundEvents > 0) {
    const end = new Date(Date.now() - 2 * 3_600_000);
    generatePopulation({ seed: options.seed, events: options.backgroundEvents, end }, emit);
  }
  const random = new Random(options.seed + 1);
  const world = new World(random, emit, { start: new Date(Date.now() - 3_600_000), meanStepMs: 5 });
  let customers = 0;
  const newCustomer = () => world.customer(1_000_000 + customers++);
  const establish = (partner: PartnerTenant, customer: CustomerTenant) =>
    world.accept(customer.admin, world.request(partner.admin, true, null));
  const partners = Array.from({ length: options.partners ?? 50 }, (_, i) =>
    world.partner(100_000 + i),
  );
  const [pagePartner, acceptPartner, removePartner] = partners;
  for (let i = 0; i < options.pageCustomers; i++) {
    const customer = newCustomer();
    establish(pagePartner, customer);
    // Issue 15: a GDAP relationship with an active assignment on every row of the page.
    world.activeGdap(pagePartner.admin, customer.admin);
    if (random.chance(0.3)) {
      const subscriptionId = world.provisionSubscription(pagePartner.admin, customer.tenantId);
      world.forget(streamIds.subscription(subscriptionId));
    }
    if (random.chance(0.2)) world.removeDelegatedAdmin(customer.admin, pagePartner.tenantId);
    world.forgetPair(pagePartner.tenantId, customer.tenantId);
  }
  const pendingInvitations = Array.from({ length: options.pendingInvitations }, () => ({
    invitationId: world.request(acceptPartner.admin, true, null),
    customer: newCustomer(),
  }));
  const removablePairs = Array.from({ length: options.removablePairs }, () => {
    const customer = newCustomer();
    establish(removePartner, customer);
    world.forgetPair(removePartner.tenantId, customer.tenantId);
    return { partner: removePartner, customer };
  });
  const busyPairs = Array.from({ length: options.busyPairs ?? 0 }, (_, i) => {
    const partner = partners[3 + (i % (partners.length - 3))];
    const customer = newCustomer();
    establish(partner, customer);
    world.forgetPair(partner.tenantId, customer.tenantId);
    return { partner, customer };
  });
  return { pagePartner, acceptPartner, pendingInvitations, removablePairs, busyPairs, partners };
}
