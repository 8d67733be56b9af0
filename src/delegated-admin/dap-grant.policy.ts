import { Injectable } from '@nestjs/common';
import type { DomainEvent } from '../events';
import { streamIds } from '../platform/domain/streams';
import { FollowUps } from '../platform/policies/follow-ups';
import { AsPolicy, type Policy, type PolicyContext } from '../platform/policies/policy';
import { dapGrantDecider } from './domain/dap-grant/dap-grant.decider';
import { dapGrantFollowUps } from './domain/policies';
import { RemoveDelegatedAdminPrivileges } from './remove-delegated-admin-privileges';

/** Runs the DapGrant stream's follow-ups (domain/policies.ts). */
@Injectable()
@AsPolicy()
export class DapGrantPolicy implements Policy {
  readonly reactsTo = [
    'InvitationAccepted',
    'RelationshipEnded',
    'PartnerAccessRevocationStarted',
  ] as const;

  constructor(private readonly followUps: FollowUps) {}

  react(event: DomainEvent, context: PolicyContext): Promise<number> {
    const customerTenantId = context.actor.tenantId;
    return this.followUps.run(
      dapGrantFollowUps(event),
      context,
      dapGrantDecider,
      ({ partnerTenantId, factRevision }) => ({
        factStream: streamIds.dapGrant(partnerTenantId, customerTenantId),
        factRevision,
        command: new RemoveDelegatedAdminPrivileges(
          context,
          {
            type: 'RemoveDelegatedAdminPrivileges',
            actor: context.actor,
            partnerTenantId,
            customerTenantId,
            confirm: true,
          },
          factRevision,
        ),
      }),
    );
  }
}
