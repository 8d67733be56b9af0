import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext, CommandOutcome } from '../platform/write/command-context';
import { Revocations } from '../platform/write/revocations';
import type { GdapCommand } from './domain/commands';
import { gdapDecider } from './domain/gdap.decider';
import { gdapStreamId, partnerOfRelationshipOrNotFound } from './domain/gdap-ids';
import { GdapScheduler } from './gdap-scheduler';

/** Distributes Omit over the union, so each command keeps its own fields. */
type WithoutActor<T> = T extends unknown ? Omit<T, 'actor'> : never;
export type GdapChange = WithoutActor<
  Exclude<GdapCommand, { type: 'RecordDueTransitions' | 'TerminateAllForCustomer' }>
>;

/** Changes that take access away: they fence the partner's dependent streams first (R67). */
const REVOKING: ReadonlySet<GdapChange['type']> = new Set([
  'TerminateDelegatedAdminRelationship',
  'DeleteDelegatedAdminAccessAssignment',
  'UpdateDelegatedAdminRelationship',
]);

/**
 * R60–R66: one change to a GDAP relationship or its access assignments, decided on the partner's
 * GDAP stream (found from the relationship id). Within a process, commands on that stream take
 * turns rather than race for its revision.
 */
export class ChangeGdap extends Command<CommandOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly change: GdapChange,
  ) {
    super();
  }
}

@CommandHandler(ChangeGdap)
export class ChangeGdapHandler implements ICommandHandler<ChangeGdap> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly revocations: Revocations,
    private readonly scheduler: GdapScheduler,
  ) {}

  async execute({ context, change }: ChangeGdap): Promise<CommandOutcome> {
    const partnerTenantId = partnerOfRelationshipOrNotFound(change.relationshipId);
    try {
      return await this.decide(context, change, partnerTenantId);
    } finally {
      // Activations, deletions and terminations are the scheduler's next step (R66, R64).
      this.scheduler.consider(partnerTenantId);
    }
  }

  private async decide(
    context: CommandContext,
    change: GdapChange,
    partnerTenantId: string,
  ): Promise<CommandOutcome> {
    const streamId = gdapStreamId(partnerTenantId);
    const command = { ...change, actor: context.actor } as GdapCommand;
    if (!REVOKING.has(change.type)) {
      const { position } = await this.aggregates.decide(streamId, gdapDecider, command, context, {
        takeTurns: true,
      });
      return { position };
    }
    const { customerTenantId } = (await this.aggregates.load(streamId, gdapDecider)).state
      .relationships[change.relationshipId] ?? { customerTenantId: null };
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
    });
    return { position };
  }
}
