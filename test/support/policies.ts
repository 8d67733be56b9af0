import { systemClock } from '../../src/platform/config/clock';
import type { CommandBus } from '@nestjs/cqrs';
import { fencedStreamsOf } from '../../src/capabilities';
import { DapGrantPolicy } from '../../src/delegated-admin/dap-grant.policy';
import { RelationshipPolicy } from '../../src/invitations/relationship.policy';
import { FollowUps } from '../../src/platform/policies/follow-ups';
import { loadSettings } from '../../src/platform/config/settings';
import { Policies } from '../../src/platform/policies/policies';
import type { EventStore } from '../../src/platform/event-store/event-store';
import type { AggregateStore } from '../../src/platform/write/aggregate-store';
import { Revocations } from '../../src/platform/write/revocations';

/** These stories fence nothing, so no policy resumes a revocation through the bus. */
const noRevocationsToResume = {
  execute: () => Promise.reject(new Error('no revocation was expected')),
} as unknown as CommandBus;

/** The rooms' policies over `store`, as the server's discovery finds them, without Nest. */
export function policiesOver(store: EventStore, aggregates: AggregateStore): Policies {
  const revocations = new Revocations(
    aggregates,
    fencedStreamsOf,
    store,
    loadSettings(),
    systemClock,
  );
  const followUps = new FollowUps(aggregates, noRevocationsToResume, revocations, loadSettings());
  return new Policies(() => [
    new RelationshipPolicy(followUps),
    new DapGrantPolicy(followUps, aggregates, store),
  ]);
}
