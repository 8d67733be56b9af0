import type { Projection } from '../src/projection-engine/projection';
import { auditProjection } from './audit.projection';
import { customersHistoryProjection } from './customers-history.projection';
import { autopilotProjection } from './autopilot.projection';
import { customersProjection } from './customers.projection';
import { invitationsProjection } from './invitations.projection';
import { serviceRequestsProjection } from './service-requests.projection';
import { subscriptionsProjection } from './subscriptions.projection';
import { usersProjection } from './users.projection';

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
