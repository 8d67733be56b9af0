import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../config/clock';
import { SETTINGS, type Settings } from '../config/settings';
import { PROJECTOR, type Projector } from '../projection-engine/projector';
import { READ_STORE, type ReadStore } from '../read-store/read-store';
import { AuditQueries } from '../../../projections/audit/audit.queries';
import { CustomersHistoryQueries } from '../../../projections/delegated-admin/customers-history.queries';
import { AutopilotQueries } from '../../../projections/autopilot/autopilot.queries';
import { CustomersQueries } from '../../../projections/delegated-admin/customers.queries';
import { InvitationsQueries } from '../../../projections/invitations/invitations.queries';
import { ServiceRequestsQueries } from '../../../projections/delegated-admin/service-requests.queries';
import { SubscriptionsQueries } from '../../../projections/azure-subscriptions/subscriptions.queries';
import { UsersQueries } from '../../../projections/effective-access/users.queries';

/** The queries of every read model, each answered only once that read model is complete. */
@Injectable()
export class ReadModels {
  readonly invitations: InvitationsQueries;
  readonly customers: CustomersQueries;
  readonly users: UsersQueries;
  readonly serviceRequests: ServiceRequestsQueries;
  readonly subscriptions: SubscriptionsQueries;
  readonly autopilot: AutopilotQueries;
  readonly audit: AuditQueries;
  readonly customersHistory: CustomersHistoryQueries;

  constructor(
    @Inject(READ_STORE) readStore: ReadStore,
    @Inject(PROJECTOR) private readonly engine: Projector,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {
    this.invitations = new InvitationsQueries(readStore);
    this.customers = new CustomersQueries(readStore);
    this.users = new UsersQueries(readStore);
    this.serviceRequests = new ServiceRequestsQueries(readStore);
    this.subscriptions = new SubscriptionsQueries(readStore);
    this.autopilot = new AutopilotQueries(readStore);
    this.audit = new AuditQueries(readStore);
    this.customersHistory = new CustomersHistoryQueries(readStore);
  }

  now(): Date {
    return this.clock.now();
  }

  /** Waits (bounded) while a named read model is being rebuilt, so no half-built page is served. */
  ready(...names: string[]): Promise<void> {
    return this.engine.whenServing(names, this.settings.NOT_READY_WAIT_MS);
  }
}
