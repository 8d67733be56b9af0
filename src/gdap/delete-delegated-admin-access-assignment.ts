import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Intent } from '../platform/write/intent';
import type { GdapCommand } from './domain/commands';
import { GdapStream } from './gdap-stream';

export class DeleteDelegatedAdminAccessAssignment extends Intent<
  Extract<GdapCommand, { type: 'DeleteDelegatedAdminAccessAssignment' }>
> {}

/**
 * R66: deletes an access assignment (deleting, then deleted). A revocation: a deleting assignment
 * grants nothing.
 */
@CommandHandler(DeleteDelegatedAdminAccessAssignment)
export class DeleteDelegatedAdminAccessAssignmentHandler implements ICommandHandler<DeleteDelegatedAdminAccessAssignment> {
  constructor(private readonly gdap: GdapStream) {}

  execute({ context, command }: DeleteDelegatedAdminAccessAssignment) {
    return this.gdap.revoke(context, command);
  }
}
