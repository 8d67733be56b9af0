import { Module } from '@nestjs/common';
import { PartnerSubscriptionsQueries } from '../../projections/azure-subscriptions/partner-subscriptions.queries';
import { SubscriptionsQueries } from '../../projections/azure-subscriptions/subscriptions.queries';
import { CustomersQueries } from '../../projections/delegated-admin/customers.queries';
import { GdapRelationshipsHistoryQueries } from '../../projections/gdap/gdap-relationships-history.queries';
import { GdapRelationshipsQueries } from '../../projections/gdap/gdap-relationships.queries';
import { queriesProvider } from '../platform/read-store/read-side';
import { CreateDelegatedAdminRelationshipHandler } from './create-delegated-admin-relationship';
import { UpdateDelegatedAdminRelationshipHandler } from './update-delegated-admin-relationship';
import { DeleteDelegatedAdminRelationshipHandler } from './delete-delegated-admin-relationship';
import { RequestDelegatedAdminRelationshipApprovalHandler } from './request-delegated-admin-relationship-approval';
import { ApproveDelegatedAdminRelationshipHandler } from './approve-delegated-admin-relationship';
import { TerminateDelegatedAdminRelationshipHandler } from './terminate-delegated-admin-relationship';
import { CreateDelegatedAdminAccessAssignmentHandler } from './create-delegated-admin-access-assignment';
import { DeleteDelegatedAdminAccessAssignmentHandler } from './delete-delegated-admin-access-assignment';
import { UpdateDelegatedAdminAccessAssignmentHandler } from './update-delegated-admin-access-assignment';
import { GdapStream } from './gdap-stream';
import { GdapScheduler, GdapSchedulerLifecycle } from './gdap-scheduler';
import { GdapResolver } from './gdap.resolver';
import { PartnerAccessResolver } from './partner-access.resolver';
import { PartnerRelationshipGdapResolver } from './partner-relationship-gdap.resolver';
import {
  GraphShapedAssignmentResolver,
  GraphShapedRelationshipResolver,
  GraphShapedRoleResolver,
} from './graph-shape.resolver';
import { RevokePartnerAccessHandler } from './revoke-partner-access';
import { RevokePartnerAccessPolicy } from './revoke-partner-access.policy';

/** R60–R70: GDAP relationships, access assignments, the scheduler, and revoking a partner's access. */
@Module({
  providers: [
    CreateDelegatedAdminRelationshipHandler,
    UpdateDelegatedAdminRelationshipHandler,
    DeleteDelegatedAdminRelationshipHandler,
    RequestDelegatedAdminRelationshipApprovalHandler,
    ApproveDelegatedAdminRelationshipHandler,
    TerminateDelegatedAdminRelationshipHandler,
    CreateDelegatedAdminAccessAssignmentHandler,
    UpdateDelegatedAdminAccessAssignmentHandler,
    DeleteDelegatedAdminAccessAssignmentHandler,
    GdapStream,
    RevokePartnerAccessHandler,
    RevokePartnerAccessPolicy,
    GdapResolver,
    PartnerAccessResolver,
    PartnerRelationshipGdapResolver,
    GraphShapedRelationshipResolver,
    GraphShapedAssignmentResolver,
    GraphShapedRoleResolver,
    GdapScheduler,
    GdapSchedulerLifecycle,
    queriesProvider(GdapRelationshipsQueries),
    queriesProvider(GdapRelationshipsHistoryQueries),
    // The other rooms' read models the preview reads (R68); no module import, no cycle.
    queriesProvider(CustomersQueries),
    queriesProvider(SubscriptionsQueries),
    queriesProvider(PartnerSubscriptionsQueries),
  ],
  exports: [GdapRelationshipsQueries, GdapScheduler],
})
export class GdapModule {}
