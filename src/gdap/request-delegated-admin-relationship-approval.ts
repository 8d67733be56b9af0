import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Intent } from '../platform/write/intent';
import type { GdapCommand } from './domain/commands';
import { GdapStream } from './gdap-stream';

export class RequestDelegatedAdminRelationshipApproval extends Intent<
  Extract<GdapCommand, { type: 'RequestDelegatedAdminRelationshipApproval' }>
> {}

/**
 * R61: locks a created relationship for approval, with an approval link and an email draft.
 */
@CommandHandler(RequestDelegatedAdminRelationshipApproval)
export class RequestDelegatedAdminRelationshipApprovalHandler implements ICommandHandler<RequestDelegatedAdminRelationshipApproval> {
  constructor(private readonly gdap: GdapStream) {}

  execute({ context, command }: RequestDelegatedAdminRelationshipApproval) {
    return this.gdap.decide(context, command);
  }
}
