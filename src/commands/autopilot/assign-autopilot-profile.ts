import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../../config/settings';
import { autopilotDeviceDecider } from '../../domain/autopilot-profile/device.decider';
import { autopilotStreams } from '../../domain/autopilot-profile/streams';
import { AggregateStore } from '../aggregate-store';
import type { CommandContext, CommandOutcome } from '../command-context';
import { loadAutopilotFacts, loadProfileFacts } from './autopilot-facts';

export class AssignAutopilotProfile extends Command<CommandOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly deviceId: string,
    readonly profileId: string,
  ) {
    super();
  }
}

/** R30, R32, R35: a partner Admin Agent has a device run a profile (replacing any other). */
@CommandHandler(AssignAutopilotProfile)
export class AssignAutopilotProfileHandler implements ICommandHandler<AssignAutopilotProfile> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async execute({ context, deviceId, profileId }: AssignAutopilotProfile) {
    const streamId = autopilotStreams.device(deviceId);
    const [device, profile] = await Promise.all([
      this.aggregates.load(streamId, autopilotDeviceDecider),
      loadProfileFacts(this.aggregates, profileId),
    ]);
    const facts = await loadAutopilotFacts(
      this.aggregates,
      this.settings.AUTOPILOT_POLICY,
      context.actor,
      device.state.customerTenantId,
    );
    const { position } = await this.aggregates.decide(
      streamId,
      autopilotDeviceDecider,
      { type: 'AssignAutopilotProfile', actor: context.actor, facts, profile },
      context,
    );
    return { position };
  }
}
