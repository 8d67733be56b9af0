import { Module } from '@nestjs/common';
import { CustomersHistoryQueries } from '../../projections/delegated-admin/customers-history.queries';
import { CustomersQueries } from '../../projections/delegated-admin/customers.queries';
import { ServiceRequestsQueries } from '../../projections/delegated-admin/service-requests.queries';
import { UsersQueries } from '../../projections/delegated-admin/users.queries';
import { GdapRelationshipsHistoryQueries } from '../../projections/gdap/gdap-relationships-history.queries';
import { GdapRelationshipsQueries } from '../../projections/gdap/gdap-relationships.queries';
import { AzureSubscriptionsModule } from '../azure-subscriptions/azure-subscriptions.module';
import { queriesProvider } from '../platform/read-store/read-side';
import { CustomersResolver } from './customers-page/customers.resolver';
import { DapGrantPolicy } from './dap-grant.policy';
import { DelegatedAdminResolver } from './delegated-admin.resolver';
import { OpenServiceRequestHandler } from './open-service-request';
import { PartnerRelationshipsNotifier } from './partner-relationships.notifier';
import { RemoveDelegatedAdminPrivilegesHandler } from './remove-delegated-admin-privileges';
import { ServiceRequestsResolver } from './service-requests/service-requests.resolver';

/** R10–R16: DAP, service requests, the Customers and Partner relationships pages. */
@Module({
  imports: [AzureSubscriptionsModule],
  providers: [
    RemoveDelegatedAdminPrivilegesHandler,
    OpenServiceRequestHandler,
    DapGrantPolicy,
    DelegatedAdminResolver,
    CustomersResolver,
    ServiceRequestsResolver,
    PartnerRelationshipsNotifier,
    queriesProvider(CustomersQueries),
    queriesProvider(CustomersHistoryQueries),
    queriesProvider(ServiceRequestsQueries),
    queriesProvider(UsersQueries),
    // GDAP's own read models, for the Customers page's GDAP column and usability (R67), now and asOf.
    queriesProvider(GdapRelationshipsQueries),
    queriesProvider(GdapRelationshipsHistoryQueries),
  ],
  exports: [CustomersQueries, CustomersHistoryQueries, UsersQueries],
})
export class DelegatedAdminModule {}
