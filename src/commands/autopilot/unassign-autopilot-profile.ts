import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../../config/settings';
import { autopilotDeviceDecider } from '../../domain/autopilot-profile/device.decider';
import { autopilotStreams } from '../../domain/autopilot-profile/streams';
import { AggregateStore } from '../aggregate-store';
import type { CommandContext, CommandOutcome } from '../command-context';
import { loadAutopilotFacts, loadProfileFacts } from './autopilot-facts';

export class UnassignAutopilotProfile extends Command<CommandOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly deviceId: string,
  ) {
    super();
  }
}

/** R34: the device stops running its profile; the profile stays. */
@CommandHandler(UnassignAutopilotProfile)
export class UnassignAutopilotProfileHandler implements ICommandHandler<UnassignAutopilotProfile> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async execute({ context, deviceId }: UnassignAutopilotProfile) {
    const streamId = autopilotStreams.device(deviceId);
    const device = await this.aggregates.load(streamId, autopilotDeviceDecider);
    const { profileId, customerTenantId } = device.state;
    const [facts, profile] = await Promise.all([
      loadAutopilotFacts(
        this.aggregates,
        this.settings.AUTOPILOT_POLICY,
        context.actor,
        customerTenantId,
      ),
      profileId ? loadProfileFacts(this.aggregates, profileId) : null,
    ]);
    const { position } = await this.aggregates.decide(
      streamId,
      autopilotDeviceDecider,
      {
        type: 'UnassignAutopilotProfile',
        actor: context.actor,
        facts,
        assignedProfileActive: profile?.active ?? false,
      },
      context,
    );
    return { position };
  }
}
