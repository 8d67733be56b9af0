import type { PairSnapshot } from '../access/revocation-fences';
import type { Actor } from '../shared/actor';

export type ServiceRequestCommand = {
  type: 'OpenServiceRequest';
  actor: Actor;
  partnerTenantId: string;
  customerTenantId: string;
  serviceRequestId: string;
  title: string;
  description: string;
  /** The pair's Relationship and DapGrant streams, read by the handler. */
  pair: PairSnapshot;
};
