import { dapGrantDecider } from '../../src/delegated-admin/domain/dap-grant/dap-grant.decider';
import {
  type DapRemovalReason,
  dapRemovalReasonOf,
} from '../../src/delegated-admin/domain/dap-grant/events';
import { streamIds } from '../../src/platform/domain/streams';
import type { Actor } from '../../src/platform/domain/actor';
import type { AggregateStore } from '../../src/platform/write/aggregate-store';
import type { CommandContext } from '../../src/platform/write/command-context';
import type { Revocations } from '../../src/platform/write/revocations';

const pair = { partnerTenantId: 'contoso-partners', customerTenantId: 'fabrikam' };

/** Contoso Partners' DAP for Fabrikam granted by invitation inv-1 (R10), as the acceptance records it. */
export function grantContosoDap(aggregates: AggregateStore, context: CommandContext) {
  return aggregates.decide(
    streamIds.dapGrant(pair.partnerTenantId, pair.customerTenantId),
    dapGrantDecider,
    {
      type: 'GrantDelegatedAdmin',
      invitationId: 'inv-1',
      partnerTenantId: pair.partnerTenantId,
      partnerName: 'Contoso Partners',
      customer: { tenantId: pair.customerTenantId, name: 'Fabrikam' },
    },
    context,
  );
}

/** Fabrikam's Global admin removes Contoso Partners' DAP (R12; `reason`: R70, R9), behind its fences. */
export function removeContosoDap(
  revocations: Revocations,
  globalAdmin: Actor,
  correlationId: string,
  reason?: DapRemovalReason,
) {
  return revocations.revoke({
    streamId: streamIds.dapGrant(pair.partnerTenantId, pair.customerTenantId),
    decider: dapGrantDecider,
    command: {
      type: 'RemoveDelegatedAdminPrivileges',
      actor: globalAdmin,
      ...pair,
      confirm: true,
      relationshipActive: true,
      ...(reason && { reason }),
    },
    revoking: 'DELEGATED_ADMIN',
    reasonOf: dapRemovalReasonOf,
    pair,
    context: { actor: globalAdmin, correlationId },
  });
}
