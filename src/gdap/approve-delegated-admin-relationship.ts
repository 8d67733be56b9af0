import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Intent } from '../platform/write/intent';
import type { GdapCommand } from './domain/commands';
import { GdapStream } from './gdap-stream';

export class ApproveDelegatedAdminRelationship extends Intent<
  Extract<GdapCommand, { type: 'ApproveDelegatedAdminRelationship' }>
> {}

/**
 * R62: the customer’s Global admin approves every requested role.
 */
@CommandHandler(ApproveDelegatedAdminRelationship)
export class ApproveDelegatedAdminRelationshipHandler implements ICommandHandler<ApproveDelegatedAdminRelationship> {
  constructor(private readonly gdap: GdapStream) {}

  execute({ context, command }: ApproveDelegatedAdminRelationship) {
    return this.gdap.decide(context, command);
  }
}
