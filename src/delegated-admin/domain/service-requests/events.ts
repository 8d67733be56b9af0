import type { EventSchemas } from '../../../platform/domain/event-evolution';
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

/** The schema version of each service-request event (the fence is the platform's). */
export const SERVICE_REQUEST_EVENTS = {
  ServiceRequestOpened: { version: 1 },
} satisfies EventSchemas<Exclude<ServiceRequestEvent, PartnerAccessRevocationStarted>>;
