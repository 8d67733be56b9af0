import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Intent } from '../platform/write/intent';
import type { GdapCommand } from './domain/commands';
import { GdapStream } from './gdap-stream';

export class CreateDelegatedAdminAccessAssignment extends Intent<
  Extract<GdapCommand, { type: 'CreateDelegatedAdminAccessAssignment' }>
> {}

/**
 * R66: gives a partner security group some of an active relationship’s roles (pending, then
 * active).
 */
@CommandHandler(CreateDelegatedAdminAccessAssignment)
export class CreateDelegatedAdminAccessAssignmentHandler implements ICommandHandler<CreateDelegatedAdminAccessAssignment> {
  constructor(private readonly gdap: GdapStream) {}

  execute({ context, command }: CreateDelegatedAdminAccessAssignment) {
    return this.gdap.decide(context, command);
  }
}
