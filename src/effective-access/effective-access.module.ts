import { Module } from '@nestjs/common';
import { AzureSubscriptionsModule } from '../azure-subscriptions/azure-subscriptions.module';
import { DelegatedAdminModule } from '../delegated-admin/delegated-admin.module';
import { GdapModule } from '../gdap/gdap.module';
import { AccessResolver } from './access.resolver';

/** R40: what a partner, and each of its users, may do in a customer's tenant now, and why. */
@Module({
  imports: [DelegatedAdminModule, AzureSubscriptionsModule, GdapModule],
  providers: [AccessResolver],
})
export class EffectiveAccessModule {}
