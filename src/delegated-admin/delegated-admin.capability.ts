import { customersHistoryProjection } from '../../projections/delegated-admin/customers-history.projection';
import { customersProjection } from '../../projections/delegated-admin/customers.projection';
import { serviceRequestsProjection } from '../../projections/delegated-admin/service-requests.projection';
import { usersProjection } from '../../projections/delegated-admin/users.projection';
import type { Capability } from '../platform/capability';
import { streamIds } from '../platform/domain/streams';
import { dapGrantDecider } from './domain/dap-grant/dap-grant.decider';
import { serviceRequestsDecider } from './domain/service-requests/service-requests.decider';

/** R10–R16: delegated admin privileges, service requests, the Customers and Partner relationships pages. */
export const delegatedAdminCapability: Capability = {
  name: 'delegated-admin',
  streams: { dapgrant: dapGrantDecider, servicerequests: serviceRequestsDecider },
  projections: [
    customersProjection,
    customersHistoryProjection,
    serviceRequestsProjection,
    usersProjection,
  ],
  fencedStreams: (partnerTenantId, customerTenantId) => [
    {
      scope: 'SERVICE_REQUESTS',
      streamId: streamIds.serviceRequests(partnerTenantId, customerTenantId),
    },
  ],
};
