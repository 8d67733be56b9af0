import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Intent } from '../platform/write/intent';
import type { GdapCommand } from './domain/commands';
import { GdapStream } from './gdap-stream';

export class UpdateDelegatedAdminAccessAssignment extends Intent<
  Extract<GdapCommand, { type: 'UpdateDelegatedAdminAccessAssignment' }>
> {}

/**
 * R66: changes the roles an access assignment gives its group. A revocation, since the roles it
 * leaves out are taken away at once.
 */
@CommandHandler(UpdateDelegatedAdminAccessAssignment)
export class UpdateDelegatedAdminAccessAssignmentHandler implements ICommandHandler<UpdateDelegatedAdminAccessAssignment> {
  constructor(private readonly gdap: GdapStream) {}

  execute({ context, command }: UpdateDelegatedAdminAccessAssignment) {
    return this.gdap.revoke(context, command);
  }
}
