import type { PairSnapshot } from '../../../platform/domain/revocation-fences';
import type { Actor } from '../../../platform/domain/actor';

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
