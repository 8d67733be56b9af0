import { Module } from '@nestjs/common';
import { InvitationsQueries } from '../../projections/invitations/invitations.queries';
import { DelegatedAdminModule } from '../delegated-admin/delegated-admin.module';
import { queriesProvider } from '../platform/read-store/read-side';
import { AcceptResellerInvitationHandler } from './accept-reseller-invitation';
import { CancelInvitationHandler } from './cancel-invitation';
import { EditInvitationEmailHandler } from './edit-invitation-email';
import { EndResellerRelationshipHandler } from './end-reseller-relationship';
import { InvitationsResolver } from './invitations.resolver';
import { RelationshipPolicy } from './relationship.policy';
import { RequestResellerRelationshipHandler } from './request-reseller-relationship';

/** R1–R9: invitations and the reseller relationship (see invitations.capability.ts). */
@Module({
  // The acceptance answers with the customer's Partner relationships row.
  imports: [DelegatedAdminModule],
  providers: [
    RequestResellerRelationshipHandler,
    EditInvitationEmailHandler,
    CancelInvitationHandler,
    AcceptResellerInvitationHandler,
    EndResellerRelationshipHandler,
    RelationshipPolicy,
    InvitationsResolver,
    queriesProvider(InvitationsQueries),
  ],
  exports: [InvitationsQueries],
})
export class InvitationsModule {}
