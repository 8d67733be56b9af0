import { Module } from '@nestjs/common';
import { AuditQueries } from '../../projections/audit/audit.queries';
import { CustomersQueries } from '../../projections/delegated-admin/customers.queries';
import { GdapRelationshipsQueries } from '../../projections/gdap/gdap-relationships.queries';
import { queriesProvider } from '../platform/read-store/read-side';
import { AuditAppendedNotifier } from './audit-appended.notifier';
import { AuditSealerLifecycle, auditSealerProvider } from './audit-sealer';
import { AuditResolver } from './audit.resolver';

/** R41–R43: the audit log, history, live entries, and the seals anchoring the chain. */
@Module({
  providers: [
    AuditResolver,
    AuditAppendedNotifier,
    auditSealerProvider(),
    AuditSealerLifecycle,
    queriesProvider(AuditQueries),
    queriesProvider(CustomersQueries),
    queriesProvider(GdapRelationshipsQueries),
  ],
})
export class AuditModule {}
