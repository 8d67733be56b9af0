import type { EventSchemas } from '../../../platform/domain/event-evolution';
import type { CustomerIdentity } from '../../../invitations/domain/events';

export type PartnerGroup = 'ADMIN_AGENTS' | 'HELPDESK_AGENTS';

/** A directory role a partner group holds in the customer's tenant through DAP (R10). */
export interface DelegatedRoleAssignment {
  group: PartnerGroup;
  role: string;
  roleTemplateId: string;
}

/** R10: Admin Agents → Global Administrator, Helpdesk Agents → Helpdesk Administrator. */
export const DAP_ROLE_ASSIGNMENTS: readonly DelegatedRoleAssignment[] = [
  {
    group: 'ADMIN_AGENTS',
    role: 'Global Administrator',
    roleTemplateId: '62e90394-69f5-4237-9190-012177145e10',
  },
  {
    group: 'HELPDESK_AGENTS',
    role: 'Helpdesk Administrator',
    roleTemplateId: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  },
];

/** Why DAP was removed; ALL_ACCESS_ENDED: a grant that overtook the customer's request to end all access (R70). */
export type DapRemovalReason = 'REMOVED_BY_CUSTOMER' | 'RELATIONSHIP_ENDED' | 'ALL_ACCESS_ENDED';

const REMOVAL_REASONS: readonly unknown[] = [
  'REMOVED_BY_CUSTOMER',
  'RELATIONSHIP_ENDED',
  'ALL_ACCESS_ENDED',
] satisfies DapRemovalReason[];

export const isDapRemovalReason = (reason: unknown): reason is DapRemovalReason =>
  REMOVAL_REASONS.includes(reason);

export type DapGrantEvent =
  | {
      type: 'DelegatedAdminGranted';
      data: {
        partnerTenantId: string;
        partnerName: string;
        customerTenantId: string;
        customerName: string;
        invitationId: string;
        roles: DelegatedRoleAssignment[];
        /**
         * The acceptance that established the relationship this grant was decided in (R7; absent
         * before 2026-12-04: read as the grant's own invitation). An end's removal spares it.
         */
        relationshipEstablishedBy?: string;
        /** R8: granted again while DAP was active (a renegotiation: nothing it grants changes). */
        renegotiated?: true;
      };
    }
  | {
      type: 'DelegatedAdminRemoved';
      data: { partnerTenantId: string; customerTenantId: string; reason: DapRemovalReason };
    };

export type { CustomerIdentity };

/** Why `events` remove DAP, for the fences of their revocation to record (revocation-fences.ts). */
export function dapRemovalReasonOf(
  events: readonly { type: string; data: unknown }[],
): DapRemovalReason | undefined {
  const removal = events.find(
    (event): event is Extract<DapGrantEvent, { type: 'DelegatedAdminRemoved' }> =>
      event.type === 'DelegatedAdminRemoved',
  );
  return removal?.data.reason;
}

/** The schema version of each event of the DapGrant stream (platform/domain/event-evolution.ts). */
export const DAP_GRANT_EVENTS = {
  DelegatedAdminGranted: { version: 1 },
  DelegatedAdminRemoved: { version: 1 },
} satisfies EventSchemas<DapGrantEvent>;
