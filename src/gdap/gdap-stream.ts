import { Injectable } from '@nestjs/common';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext, CommandOutcome } from '../platform/write/command-context';
import { Revocations } from '../platform/write/revocations';
import type { GdapCommand } from './domain/commands';
import { gdapDecider } from './domain/gdap.decider';
import { gdapStreamId, partnerOfRelationshipOrNotFound } from './domain/gdap-ids';
import { takesAccessAway } from './domain/takes-access-away';
import { GdapScheduler } from './gdap-scheduler';

/** A GDAP use case's command: one relationship of one partner, addressed by its id. */
type RelationshipCommand = Extract<GdapCommand, { relationshipId: string }>;

/**
 * R60–R66: how every GDAP use case records its change on the partner's GDAP stream (found from
 * the relationship id). Within a process, commands on that stream take turns rather than race for
 * its revision; a change that takes access away fences the partner's dependent streams first (R67).
 * Afterwards the scheduler looks at the stream: activations, deletions and terminations are its
 * next step (R66, R64).
 */
@Injectable()
export class GdapStream {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly revocations: Revocations,
    private readonly scheduler: GdapScheduler,
  ) {}

  /** A change that grants or edits: decided and appended in turn. */
  async decide(context: CommandContext, command: RelationshipCommand): Promise<CommandOutcome> {
    const partnerTenantId = partnerOfRelationshipOrNotFound(command.relationshipId);
    try {
      const { position } = await this.aggregates.decide(
        gdapStreamId(partnerTenantId),
        gdapDecider,
        command,
        context,
        { takeTurns: true },
      );
      return { position };
    } finally {
      this.scheduler.consider(partnerTenantId);
    }
  }

  /**
   * A change that may take access away (termination, assignment deletion, role removal or change):
   * a revocation, whose fences are set when the decided events do take some away.
   */
  async revoke(context: CommandContext, command: RelationshipCommand): Promise<CommandOutcome> {
    const partnerTenantId = partnerOfRelationshipOrNotFound(command.relationshipId);
    const streamId = gdapStreamId(partnerTenantId);
    try {
      const { customerTenantId } = (
        await this.aggregates.load(streamId, gdapDecider)
      ).state.relationships.get(command.relationshipId) ?? { customerTenantId: null };
      if (customerTenantId === null) {
        // Nothing to fence for a relationship that does not exist: the decider says NOT_FOUND.
        const { position } = await this.aggregates.decide(streamId, gdapDecider, command, context);
        return { position };
      }
      const { position } = await this.revocations.revoke({
        streamId,
        decider: gdapDecider,
        command,
        revoking: 'GDAP',
        pair: { partnerTenantId, customerTenantId },
        context,
        takesAccessAway,
      });
      return { position };
    } finally {
      this.scheduler.consider(partnerTenantId);
    }
  }
}
