import { Injectable } from '@nestjs/common';
import { dapGrantDecider } from '../delegated-admin/domain/dap-grant/dap-grant.decider';
import type { InvitationEvent, RelationshipEvent } from './domain/events';
import { relationshipDecider } from './domain/relationship.decider';
import { streamIds } from '../platform/domain/streams';
import type { RecordedEvent } from '../platform/event-store/event-store';
import { domainEventOf } from '../platform/event-store/unreadable-events';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext } from '../platform/write/command-context';

export type InvitationAccepted = Extract<InvitationEvent, { type: 'InvitationAccepted' }>['data'];
type RelationshipEnded = Extract<RelationshipEvent, { type: 'RelationshipEnded' }>['data'];
type FollowUpContext = CommandContext & { causationId: string };
/** Replaying a recorded event: leave alone any stream changed after `position`. */
type Replay = { unlessChangedAfter?: number };

/**
 * What some events cause on other streams. Each step is idempotent, so the command handler runs
 * it at once and the FollowUpReactor runs it again after a crash between the two appends.
 */
@Injectable()
export class FollowUps {
  /** Follow-ups a command handler ran itself, by trigger event id: the reactor need not re-run them. */
  private readonly inline = new Map<string, { position: number; succeeded: Promise<boolean> }>();

  constructor(private readonly aggregates: AggregateStore) {}

  /** Runs the follow-up of `trigger` (appended at `position`) at once, as its command's last step. */
  runInline(trigger: { id: string; position: number }, followUp: () => Promise<number>) {
    const done = followUp();
    const succeeded = done.then(
      () => true,
      () => false,
    );
    this.inline.set(trigger.id, { position: trigger.position, succeeded });
    return done;
  }

  /** True once the command handler's own run of this event's follow-up succeeded. */
  async ranInline(eventId: string): Promise<boolean> {
    const run = this.inline.get(eventId);
    if (!run) return false;
    this.inline.delete(eventId);
    return run.succeeded;
  }

  /** Forgets inline runs the reactor has already passed (it read them before they were noted). */
  forgetInlineUpTo(position: number): void {
    for (const [eventId, run] of this.inline) {
      if (run.position <= position) this.inline.delete(eventId);
    }
  }

  /** An accepted invitation: the pair's relationship (R7) and, with DAP, its grant (R8, R10). */
  async afterAcceptance(
    accepted: InvitationAccepted,
    context: FollowUpContext,
    replay: Replay = {},
  ): Promise<number> {
    const { invitationId, partnerTenantId, partnerName, customer } = accepted;
    const relationship = await this.aggregates.decide(
      streamIds.relationship(partnerTenantId, customer.tenantId),
      relationshipDecider,
      { type: 'EstablishRelationship', invitationId, partnerTenantId, partnerName, customer },
      context,
      replay,
    );
    if (!accepted.includeDelegatedAdmin) return relationship.position;
    const dap = await this.aggregates.decide(
      streamIds.dapGrant(partnerTenantId, customer.tenantId),
      dapGrantDecider,
      { type: 'GrantDelegatedAdmin', invitationId, partnerTenantId, partnerName, customer },
      context,
      replay,
    );
    return Math.max(relationship.position, dap.position);
  }

  /** R9: an ended relationship takes the partner's DAP with it. */
  async afterRelationshipEnded(
    ended: RelationshipEnded,
    context: FollowUpContext,
    replay: Replay = {},
  ): Promise<number> {
    const { partnerTenantId, customerTenantId } = ended;
    const dap = await this.aggregates.decide(
      streamIds.dapGrant(partnerTenantId, customerTenantId),
      dapGrantDecider,
      { type: 'RevokeDelegatedAdminOnRelationshipEnd', partnerTenantId, customerTenantId },
      context,
      replay,
    );
    return dap.position;
  }

  /** Runs the follow-up of a recorded event, if it has one, as its original actor. */
  async react(event: RecordedEvent): Promise<void> {
    const context = {
      actor: event.metadata.actor,
      correlationId: event.metadata.correlationId,
      causationId: event.id,
    };
    const replay = { unlessChangedAfter: event.position };
    const current = domainEventOf(event);
    if (current?.type === 'InvitationAccepted') {
      await this.afterAcceptance(current.data, context, replay);
    }
    if (current?.type === 'RelationshipEnded') {
      await this.afterRelationshipEnded(current.data, context, replay);
    }
  }
}
