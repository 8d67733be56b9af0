import { AccessResolver } from '../../effective-access/access.resolver';
import { AuditAppendedNotifier } from '../../audit/audit-appended.notifier';
import { AuditResolver } from '../../audit/audit.resolver';
import { AutopilotResolver } from '../../autopilot/autopilot.resolver';
import { CustomersResolver } from '../../delegated-admin/customers-page/customers.resolver';
import { DelegatedAdminResolver } from '../../delegated-admin/delegated-admin.resolver';
import { PartnerRelationshipsNotifier } from '../../delegated-admin/partner-relationships.notifier';
import { InvitationsResolver } from '../../invitations/invitations.resolver';
import { MeResolver } from './me.resolver';
import { OperatorResolver } from '../operator/operator.resolver';
import { SubscriptionsResolver } from '../../azure-subscriptions/subscriptions.resolver';

export const resolvers = [
  MeResolver,
  InvitationsResolver,
  CustomersResolver,
  DelegatedAdminResolver,
  AccessResolver,
  SubscriptionsResolver,
  AutopilotResolver,
  AuditResolver,
  OperatorResolver,
];

export const graphqlServices = [PartnerRelationshipsNotifier, AuditAppendedNotifier];
