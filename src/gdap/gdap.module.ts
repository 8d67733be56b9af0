import { Module } from '@nestjs/common';
import { GdapRelationshipsQueries } from '../../projections/gdap/gdap-relationships.queries';
import { queriesProvider } from '../platform/read-store/read-side';
import { ChangeGdapHandler } from './change-gdap';
import { GdapScheduler, GdapSchedulerLifecycle } from './gdap-scheduler';
import { GdapResolver } from './gdap.resolver';

/** R60–R70: GDAP relationships, access assignments, the scheduler, and revoking a partner's access. */
@Module({
  providers: [
    ChangeGdapHandler,
    GdapResolver,
    GdapScheduler,
    GdapSchedulerLifecycle,
    queriesProvider(GdapRelationshipsQueries),
  ],
  exports: [GdapRelationshipsQueries, GdapScheduler],
})
export class GdapModule {}
