import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Intent } from '../platform/write/intent';
import type { GdapCommand } from './domain/commands';
import { GdapStream } from './gdap-stream';

export class DeleteDelegatedAdminRelationship extends Intent<
  Extract<GdapCommand, { type: 'DeleteDelegatedAdminRelationship' }>
> {}

/**
 * R61: deletes a relationship still in status created.
 */
@CommandHandler(DeleteDelegatedAdminRelationship)
export class DeleteDelegatedAdminRelationshipHandler implements ICommandHandler<DeleteDelegatedAdminRelationship> {
  constructor(private readonly gdap: GdapStream) {}

  execute({ context, command }: DeleteDelegatedAdminRelationship) {
    return this.gdap.decide(context, command);
  }
}
