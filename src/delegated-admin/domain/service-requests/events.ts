import type { PartnerAccessRevocationStarted } from '../../../platform/domain/revocation-fences';

/** Stream `servicerequests-<partner>_<customer>`: the requests a partner opened for a customer. */
export type ServiceRequestEvent =
  | {
      type: 'ServiceRequestOpened';
      data: {
        partnerTenantId: string;
        customerTenantId: string;
        serviceRequestId: string;
        title: string;
        description: string;
      };
    }
  | PartnerAccessRevocationStarted;
