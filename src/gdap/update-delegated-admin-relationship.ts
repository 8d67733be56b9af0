import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Intent } from '../platform/write/intent';
import type { GdapCommand } from './domain/commands';
import { GdapStream } from './gdap-stream';

export class UpdateDelegatedAdminRelationship extends Intent<
  Extract<GdapCommand, { type: 'UpdateDelegatedAdminRelationship' }>
> {}

/**
 * R61, R65: edits a created relationship; while active, its auto-extension, or removes Global
 * Administrator. A revocation, since assignments lose a removed role at once (R65).
 */
@CommandHandler(UpdateDelegatedAdminRelationship)
export class UpdateDelegatedAdminRelationshipHandler implements ICommandHandler<UpdateDelegatedAdminRelationship> {
  constructor(private readonly gdap: GdapStream) {}

  execute({ context, command }: UpdateDelegatedAdminRelationship) {
    return this.gdap.revoke(context, command);
  }
}
