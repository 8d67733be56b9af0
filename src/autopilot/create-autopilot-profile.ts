import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { autopilotId } from './domain/autopilot-ids';
import type { AutopilotSetting } from './domain/events';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext, CommandOutcome } from '../platform/write/command-context';
import { decideOnRegistry } from './autopilot-registry';

export class CreateAutopilotProfile extends Command<CommandOutcome & { profileId: string }> {
  constructor(
    readonly context: CommandContext,
    readonly customerTenantId: string,
    readonly name: string,
    readonly description: string | null,
    readonly settings: readonly AutopilotSetting[] | null,
  ) {
    super();
  }
}

/** R30, R35: a partner Admin Agent creates a profile for its customer. */
@CommandHandler(CreateAutopilotProfile)
export class CreateAutopilotProfileHandler implements ICommandHandler<CreateAutopilotProfile> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async execute({
    context,
    customerTenantId,
    name,
    description,
    settings,
  }: CreateAutopilotProfile) {
    const profileId = autopilotId(customerTenantId, randomUUID());
    const { position } = await decideOnRegistry(
      this.aggregates,
      this.settings.AUTOPILOT_POLICY,
      context,
      customerTenantId,
      { type: 'CreateAutopilotProfile', profileId, name, description, settings },
    );
    return { position, profileId };
  }
}
