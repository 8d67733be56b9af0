import { Module } from '@nestjs/common';
import { PartnerSubscriptionsQueries } from '../../projections/azure-subscriptions/partner-subscriptions.queries';
import { SubscriptionsQueries } from '../../projections/azure-subscriptions/subscriptions.queries';
import { queriesProvider } from '../platform/read-store/read-side';
import { ChangeSubscriptionAccessHandler } from './change-subscription-access';
import { ProvisionAzureSubscriptionHandler } from './provision-azure-subscription';
import { RegisterAzureSubscriptionHandler } from './register-azure-subscription';
import { SubscriptionsResolver } from './subscriptions.resolver';

/** R20–R25: Azure subscriptions and their role assignments. */
@Module({
  providers: [
    ProvisionAzureSubscriptionHandler,
    RegisterAzureSubscriptionHandler,
    ChangeSubscriptionAccessHandler,
    SubscriptionsResolver,
    queriesProvider(SubscriptionsQueries),
    queriesProvider(PartnerSubscriptionsQueries),
  ],
  exports: [SubscriptionsQueries, PartnerSubscriptionsQueries],
})
export class AzureSubscriptionsModule {}
