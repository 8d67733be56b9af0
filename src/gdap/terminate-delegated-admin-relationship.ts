import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Intent } from '../platform/write/intent';
import type { GdapCommand } from './domain/commands';
import { GdapStream } from './gdap-stream';

export class TerminateDelegatedAdminRelationship extends Intent<
  Extract<GdapCommand, { type: 'TerminateDelegatedAdminRelationship' }>
> {}

/**
 * R64: either side ends an active relationship (terminationRequested, then terminated by the
 * scheduler). A revocation: from the request on it grants nothing.
 */
@CommandHandler(TerminateDelegatedAdminRelationship)
export class TerminateDelegatedAdminRelationshipHandler implements ICommandHandler<TerminateDelegatedAdminRelationship> {
  constructor(private readonly gdap: GdapStream) {}

  execute({ context, command }: TerminateDelegatedAdminRelationship) {
    return this.gdap.revoke(context, command);
  }
}
