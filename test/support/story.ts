import { randomUUID } from 'node:crypto';
import { AggregateStore } from '../../src/platform/write/aggregate-store';
import type { CommandContext } from '../../src/platform/write/command-context';
import {
  AcceptResellerInvitationHandler,
  AcceptResellerInvitation,
} from '../../src/invitations/accept-reseller-invitation';
import { CancelInvitation, CancelInvitationHandler } from '../../src/invitations/cancel-invitation';
import {
  RequestResellerRelationship,
  RequestResellerRelationshipHandler,
} from '../../src/invitations/request-reseller-relationship';
import { policiesOver } from './policies';
import { systemClock } from '../../src/platform/config/clock';
import { loadSettings } from '../../src/platform/config/settings';
import { invitationDecider } from '../../src/invitations/domain/invitation.decider';
import type { Actor } from '../../src/platform/domain/actor';
import { streamIds } from '../../src/platform/domain/streams';
import type { EventStore } from '../../src/platform/event-store/event-store';

const partner = (index: number): Actor => ({
  userId: `agent-${index}`,
  name: `Agent ${index}`,
  tenantId: `partner-${index}`,
  tenantKind: 'partner',
  tenantName: `Partner ${index}`,
  roles: ['AdminAgent'],
});

const customer = (index: number): Actor => ({
  userId: `admin-${index}`,
  name: `Admin ${index}`,
  tenantId: `customer-${index}`,
  tenantKind: 'customer',
  tenantName: `Customer ${index}`,
  tenantDomain: `customer${index}.onmicrosoft.com`,
  roles: ['GlobalAdmin'],
});

const as = (actor: Actor): CommandContext => ({ actor, correlationId: randomUUID() });
const requestOf = (actor: Actor, includeDelegatedAdmin: boolean) =>
  new RequestResellerRelationship(as(actor), {
    type: 'RequestResellerRelationship',
    actor,
    invitationId: randomUUID(),
    includeDelegatedAdmin,
    intendedCustomer: null,
  });

/**
 * Writes a realistic history through the real command handlers: `customers` customers spread over
 * `partners` partners, each invited and accepting, and every third partner cancelling one more;
 * numbered from `firstCustomer`, so a later call adds new customers.
 */
export async function writeStory(
  store: EventStore,
  customers: number,
  partners = 3,
  firstCustomer = 0,
): Promise<void> {
  const aggregates = new AggregateStore(store, systemClock);
  const request = new RequestResellerRelationshipHandler(aggregates, loadSettings({}));
  const accept = new AcceptResellerInvitationHandler(aggregates, policiesOver(store, aggregates));
  const cancel = new CancelInvitationHandler(aggregates);
  for (let index = firstCustomer; index < firstCustomer + customers; index++) {
    const inviter = partner(index % partners);
    const { invitationId } = await request.execute(requestOf(inviter, index % 2 === 0));
    const accepter = customer(index);
    await accept.execute(
      new AcceptResellerInvitation(as(accepter), {
        type: 'AcceptResellerInvitation',
        actor: accepter,
        invitationId,
      }),
    );
    if (index % 3 === 0) {
      const extra = await request.execute(requestOf(inviter, true));
      await cancel.execute(
        new CancelInvitation(as(inviter), {
          type: 'CancelInvitation',
          actor: inviter,
          invitationId: extra.invitationId,
        }),
      );
    }
  }
}

/**
 * What an acceptance writes before its follow-ups: the invitation requested (with DAP) and
 * accepted, straight through the decider; returns the accepting event's id and position.
 */
export async function acceptWithoutFollowUps(
  aggregates: AggregateStore,
  inviter: Actor,
  accepter: Actor,
  invitationId = 'inv-1',
): Promise<{ id: string; position: number }> {
  const stream = streamIds.invitation(invitationId);
  await aggregates.decide(
    stream,
    invitationDecider,
    {
      type: 'RequestResellerRelationship',
      actor: inviter,
      invitationId,
      includeDelegatedAdmin: true,
      intendedCustomer: null,
      invitationBaseUrl: 'https://admin.microsoft.com/',
      ttlMs: 86_400_000,
    },
    { actor: inviter, correlationId: `c-${inviter.userId}` },
  );
  const accepted = await aggregates.decide(
    stream,
    invitationDecider,
    { type: 'AcceptResellerInvitation', actor: accepter, invitationId },
    { actor: accepter, correlationId: `c-${accepter.userId}` },
  );
  return { id: accepted.eventIds[0], position: accepted.position };
}
