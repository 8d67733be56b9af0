import { Args, ID, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import type { CommandContext } from '../platform/write/command-context';
import { OpenServiceRequest } from './open-service-request';
import { RemoveDelegatedAdminPrivileges } from './remove-delegated-admin-privileges';
import type { Actor } from '../platform/domain/actor';
import {
  directoryRolesTenantOf,
  LISTED_DIRECTORY_ROLES,
  partnerRelationshipsPageTenantOf,
} from './domain/page-access';
import { normaliseTenantId } from '../platform/domain/ids';
import { CommandGateway } from '../platform/graphql/command-gateway';
import { Caller, CurrentActor } from '../platform/graphql/current-actor.decorator';
import { ReadSide } from '../platform/read-store/read-side';
import { CustomersQueries } from '../../projections/delegated-admin/customers.queries';
import { CustomersHistoryQueries } from '../../projections/delegated-admin/customers-history.queries';
import { ServiceRequestsQueries } from '../../projections/delegated-admin/service-requests.queries';
import { UsersQueries } from '../../projections/delegated-admin/users.queries';
import { toPartnerRelationship } from './customers-page/customer.mapper';
import { PartnerRelationship } from './customers-page/customer.types';
import { DirectoryRole, OpenServiceRequestInput, ServiceRequest } from './delegated-admin.types';
import { PartnerRelationshipsNotifier } from './partner-relationships.notifier';
import { toServiceRequest } from './service-requests/service-request.mapper';

@Resolver()
export class DelegatedAdminResolver {
  constructor(
    private readonly commands: CommandGateway,
    private readonly readSide: ReadSide,
    private readonly customers: CustomersQueries,
    private readonly customersHistory: CustomersHistoryQueries,
    private readonly serviceRequests: ServiceRequestsQueries,
    private readonly users: UsersQueries,
    private readonly notifier: PartnerRelationshipsNotifier,
  ) {}

  @Query(() => [PartnerRelationship], {
    description: 'R15: the customer’s Partner relationships page.',
  })
  async partnerRelationships(
    @CurrentActor() actor: Actor,
    @Args('asOf', {
      type: () => Date,
      nullable: true,
      description: 'R43: the page as it stood at this moment.',
    })
    asOf?: Date,
  ): Promise<PartnerRelationship[]> {
    const customerTenantId = partnerRelationshipsPageTenantOf(actor);
    await this.readSide.ready('customers', 'customers-history');
    const rows = asOf
      ? this.customersHistory.partnersOf(customerTenantId, asOf)
      : this.customers.partnersOf(customerTenantId);
    // asOf travels with each row so serviceRequestCount counts as of the same moment.
    return rows.map((row) => ({ ...toPartnerRelationship(row), asOf }));
  }

  @Mutation(() => PartnerRelationship, {
    description:
      'R12: the customer removes a partner’s delegated admin privileges; needs confirm: true.',
  })
  async removeDelegatedAdminPrivileges(
    @Caller() caller: CommandContext,
    @Args('partnerTenantId', { type: () => ID }) partnerTenantIdInput: string,
    @Args('confirm') confirm: boolean,
  ): Promise<PartnerRelationship> {
    const command = {
      type: 'RemoveDelegatedAdminPrivileges',
      actor: caller.actor,
      partnerTenantId: normaliseTenantId(partnerTenantIdInput, 'partnerTenantId'),
      customerTenantId: caller.actor.tenantId,
      confirm,
    } as const;
    return this.commands.execute(new RemoveDelegatedAdminPrivileges(caller, command), async () => {
      await this.readSide.ready('customers');
      const row = this.customers.pair(command.partnerTenantId, command.customerTenantId);
      if (!row) throw new Error('the partner is not on the Partner relationships page yet.');
      return toPartnerRelationship(row);
    });
  }

  @Mutation(() => ServiceRequest, {
    description: 'R13, R14: a partner opens a service request for a customer (needs DAP).',
  })
  async openServiceRequest(
    @Caller() caller: CommandContext,
    @Args('input') input: OpenServiceRequestInput,
  ): Promise<ServiceRequest> {
    const command = {
      type: 'OpenServiceRequest',
      actor: caller.actor,
      partnerTenantId: caller.actor.tenantId,
      customerTenantId: normaliseTenantId(input.customerTenantId, 'customerTenantId'),
      serviceRequestId: randomUUID(),
      title: input.title,
      description: input.description,
    } as const;
    return this.commands.execute(new OpenServiceRequest(caller, command), async () => {
      await this.readSide.ready('service-requests');
      const row = this.serviceRequests.byId(command.serviceRequestId);
      if (!row) throw new Error('the service request is not listed yet.');
      return toServiceRequest(row);
    });
  }

  @Query(() => [DirectoryRole], {
    description:
      'R11: directory roles of the caller’s tenant and the tenant’s own members; partners never appear.',
  })
  async directoryRoles(@CurrentActor() actor: Actor): Promise<DirectoryRole[]> {
    const tenantId = directoryRolesTenantOf(actor);
    await this.readSide.ready('users');
    return LISTED_DIRECTORY_ROLES.map(({ role, tokenRole }) => ({
      role,
      members: this.users
        .holding(tenantId, tokenRole)
        .map((user) => ({ userId: user.user_id, name: user.name })),
    }));
  }

  @Subscription(() => PartnerRelationship, {
    description:
      'A row of the caller’s Partner relationships page changed (customer Global admin).',
  })
  partnerRelationshipsChanged(@CurrentActor() actor: Actor): AsyncIterableIterator<unknown> {
    return this.notifier.changesFor(partnerRelationshipsPageTenantOf(actor));
  }
}
