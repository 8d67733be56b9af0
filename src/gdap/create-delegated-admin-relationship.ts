import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Intent } from '../platform/write/intent';
import type { GdapCommand } from './domain/commands';
import { GdapStream } from './gdap-stream';

export class CreateDelegatedAdminRelationship extends Intent<
  Extract<GdapCommand, { type: 'CreateDelegatedAdminRelationship' }>
> {}

/**
 * R60: a partner Admin Agent creates a relationship (status created).
 */
@CommandHandler(CreateDelegatedAdminRelationship)
export class CreateDelegatedAdminRelationshipHandler implements ICommandHandler<CreateDelegatedAdminRelationship> {
  constructor(private readonly gdap: GdapStream) {}

  execute({ context, command }: CreateDelegatedAdminRelationship) {
    return this.gdap.decide(context, command);
  }
}
