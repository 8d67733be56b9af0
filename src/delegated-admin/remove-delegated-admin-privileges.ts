import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../platform/config/clock';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { dapGrantDecider } from './domain/dap-grant/dap-grant.decider';
import { streamIds } from '../platform/domain/streams';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext } from '../platform/write/command-context';
import { Intent } from '../platform/write/intent';
import type {
  DapGrantCommand,
  RemoveDelegatedAdminPrivilegesCommand,
} from './domain/dap-grant/commands';
import { grantedAgainSince, pairRelationships } from './pair-facts';
import { EVENT_STORE, type EventStore } from '../platform/event-store/event-store';
import { Revocations } from '../platform/write/revocations';
import { type DapRemovalReason, dapRemovalReasonOf } from './domain/dap-grant/events';

/** What a follow-up asking for the removal adds to the customer's own (absent: nothing). */
export interface RemovalFollowUp {
  /**
   * Set when the reactor finishes a removal that stopped after its fences: only at the DapGrant
   * stream's revision they were decided on, for the reason they name.
   */
  resume?: { atRevision: number; reason: DapRemovalReason };
  /**
   * R70: the global position of the customer's request to end all access this removal is part
   * of: DAP an acceptance after it granted again is left alone.
   */
  endingAllAccessRequestedAt?: number;
}

export class RemoveDelegatedAdminPrivileges extends Intent<RemoveDelegatedAdminPrivilegesCommand> {
  constructor(
    context: CommandContext & { causationId?: string },
    command: RemoveDelegatedAdminPrivilegesCommand,
    readonly followUp: RemovalFollowUp = {},
  ) {
    super(context, command);
  }

  /** The removal a follow-up asks for on behalf of the customer in `context`, confirmed. */
  static confirmedBy(
    context: CommandContext & { causationId?: string },
    pair: { partnerTenantId: string; customerTenantId: string },
    followUp: RemovalFollowUp,
  ): RemoveDelegatedAdminPrivileges {
    return new RemoveDelegatedAdminPrivileges(
      context,
      { type: 'RemoveDelegatedAdminPrivileges', actor: context.actor, ...pair, confirm: true },
      followUp,
    );
  }
}

/**
 * R12, R13: the customer's Global admin takes DAP away; the reseller relationship stays. A
 * revocation: it never competes with the partner's traffic and always lands after it (revocations.ts).
 */
@CommandHandler(RemoveDelegatedAdminPrivileges)
export class RemoveDelegatedAdminPrivilegesHandler implements ICommandHandler<RemoveDelegatedAdminPrivileges> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly revocations: Revocations,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ context, command, followUp }: RemoveDelegatedAdminPrivileges) {
    const { partnerTenantId, customerTenantId } = command;
    const { resume, endingAllAccessRequestedAt: requestedAt } = followUp;
    const { position } = await this.revocations.revoke({
      streamId: streamIds.dapGrant(partnerTenantId, customerTenantId),
      decider: dapGrantDecider,
      command: {
        ...command,
        ...(resume && { reason: resume.reason }),
        ...(await pairRelationships(
          this.aggregates,
          partnerTenantId,
          customerTenantId,
          this.clock.now(),
        )),
        autopilotDapRequired: this.settings.AUTOPILOT_POLICY === 'dap-required',
      },
      revoking: 'DELEGATED_ADMIN',
      pair: { partnerTenantId, customerTenantId },
      context,
      resumeAtRevision: resume?.atRevision,
      reasonOf: dapRemovalReasonOf,
      ...(requestedAt !== undefined && {
        withFacts: async (decided: DapGrantCommand) => ({
          ...decided,
          reason: 'ALL_ACCESS_ENDED' as const,
          grantedAgainSinceRequest: await grantedAgainSince(
            this.store,
            partnerTenantId,
            customerTenantId,
            requestedAt,
          ),
        }),
      }),
    });
    return { position };
  }
}
