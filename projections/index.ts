import type { Projection } from '../src/platform/projection-engine/projection';
import { auditProjection } from './audit/audit.projection';
import { customersHistoryProjection } from './delegated-admin/customers-history.projection';
import { autopilotProjection } from './autopilot/autopilot.projection';
import { customersProjection } from './delegated-admin/customers.projection';
import { invitationsProjection } from './invitations/invitations.projection';
import { serviceRequestsProjection } from './delegated-admin/service-requests.projection';
import { subscriptionsProjection } from './azure-subscriptions/subscriptions.projection';
import { usersProjection } from './effective-access/users.projection';

/** Every read model the engine maintains. */
export const allProjections: readonly Projection[] = [
  invitationsProjection,
  customersProjection,
  customersHistoryProjection,
  auditProjection,
  usersProjection,
  serviceRequestsProjection,
  subscriptionsProjection,
  autopilotProjection,
];
