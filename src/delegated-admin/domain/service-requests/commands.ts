import type { PairSnapshot } from '../../../platform/domain/revocation-fences';
import type { Actor } from '../../../platform/domain/actor';

/** R13, R14: a partner user opens a service request on a customer's behalf. */
export type OpenServiceRequestCommand = {
  type: 'OpenServiceRequest';
  actor: Actor;
  partnerTenantId: string;
  customerTenantId: string;
  serviceRequestId: string;
  title: string;
  description: string;
};

export type ServiceRequestCommand = OpenServiceRequestCommand & {
  /** The pair's Relationship and DapGrant streams, read by the handler. */
  pair: PairSnapshot;
};
