import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import type { CommandContext } from '../platform/write/command-context';
import { OpenServiceRequest } from './open-service-request';
import { RemoveDelegatedAdminPrivileges } from './remove-delegated-admin-privileges';
import type { Actor } from '../platform/domain/actor';
import {
  directoryRolesTenantOf,
  LISTED_DIRECTORY_ROLES,
  listedDirectoryRole,
  partnerRelationshipsPageTenantOf,
} from './domain/page-access';
import { normaliseTenantId } from '../platform/domain/ids';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { boundedList } from '../platform/graphql/bounded-list';
import { connectionOf } from '../platform/graphql/connection';
import { decodeCursor, encodeCursor, isTextKey, pageSize } from '../platform/graphql/cursor';
import { CommandGateway } from '../platform/graphql/command-gateway';
import { Caller, CurrentActor } from '../platform/graphql/current-actor.decorator';
import { ReadSide } from '../platform/read-store/read-side';
import { CustomersQueries } from '../../projections/delegated-admin/customers.queries';
import { CustomersHistoryQueries } from '../../projections/delegated-admin/customers-history.queries';
import { ServiceRequestsQueries } from '../../projections/delegated-admin/service-requests.queries';
import {
  type MemberKey,
  type UserRow,
  UsersQueries,
} from '../../projections/delegated-admin/users.queries';
import { toPartnerRelationship } from './customers-page/customer.mapper';
import { PartnerRelationship } from './customers-page/customer.types';
import { partnerRelationshipsPage } from './customers-page/partner-relationships-page';
import { GdapRelationshipsQueries } from '../../projections/gdap/gdap-relationships.queries';
import { GdapRelationshipsHistoryQueries } from '../../projections/gdap/gdap-relationships-history.queries';
import {
  DirectoryRole,
  DirectoryRoleMember,
  DirectoryRoleMemberConnection,
  OpenServiceRequestInput,
  ServiceRequest,
} from './delegated-admin.types';
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
    private readonly gdap: GdapRelationshipsQueries,
    private readonly gdapHistory: GdapRelationshipsHistoryQueries,
    private readonly notifier: PartnerRelationshipsNotifier,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  @Query(() => [PartnerRelationship], {
    description: 'R15: the customer’s Partner relationships page.',
  })
  async partnerRelationships(
    @CurrentActor() actor: Actor,
    @Args('asOf', {
      type: () => Date,
      nullable: true,
      description:
        'R43: the page as it stood at this moment; a later moment than now reads as now.',
    })
    at?: Date,
  ): Promise<PartnerRelationship[]> {
    const customerTenantId = partnerRelationshipsPageTenantOf(actor);
    const asOf = this.readSide.pastMoment(at);
    await this.readSide.ready(
      ...(asOf
        ? (['customers-history', 'gdap-relationships-history'] as const)
        : (['customers', 'gdap-relationships'] as const)),
    );
    const rows = asOf
      ? partnerRelationshipsPage(
          customerTenantId,
          this.customersHistory.partnersOf(customerTenantId, asOf),
          this.gdapHistory.partnersInForceWith(customerTenantId, asOf),
        )
      : partnerRelationshipsPage(
          customerTenantId,
          this.customers.partnersOf(customerTenantId),
          this.gdap.partnersInForceWith(customerTenantId, this.readSide.now()),
        );
    // asOf travels with each row so serviceRequestCount counts as of the same moment.
    return rows.map((row) => ({ ...row, asOf }));
  }

  @Mutation(() => PartnerRelationship, {
    description:
      'R12: the customer removes a partner’s delegated admin privileges; needs confirm: true. Its GDAP relationships stay: revokePartnerAccess ends every grant at once (R70).',
  })
  async removeDelegatedAdminPrivileges(
    @Caller() caller: CommandContext,
    @Args('partnerTenantId', { type: () => ID }) partnerTenantIdInput: string,
    @Args('confirm', { defaultValue: false }) confirm: boolean,
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
      members: boundedList(
        this.settings.GRAPHQL_MAX_LIST_ITEMS,
        (limit) => this.users.membersOf(tenantId, tokenRole, limit).map(toMember),
        'directoryRoles.members',
        'directoryRoleMembers',
      ),
    }));
  }

  @Query(() => DirectoryRoleMemberConnection, {
    description:
      'R11: the members of one directory role of the caller’s tenant (`role` as directoryRoles names it), by name, paged; partners never appear.',
  })
  async directoryRoleMembers(
    @CurrentActor() actor: Actor,
    @Args('role') role: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<DirectoryRoleMemberConnection> {
    const tenantId = directoryRolesTenantOf(actor);
    const { tokenRole } = listedDirectoryRole(role);
    const size = pageSize(first, 50, 500);
    const key = decodeCursor('directoryRoleMembers', after, isTextKey('name', 'id')) ?? undefined;
    await this.readSide.ready('users');
    return connectionOf(
      this.users.membersOf(tenantId, tokenRole, size + 1, key),
      size,
      toMember,
      (row) =>
        encodeCursor('directoryRoleMembers', {
          name: row.name,
          id: row.user_id,
        } satisfies MemberKey),
      () => this.users.countMembersOf(tenantId, tokenRole),
    );
  }

  @Subscription(() => PartnerRelationship, {
    description:
      'A row of the caller’s Partner relationships page changed (customer Global admin).',
  })
  partnerRelationshipsChanged(@CurrentActor() actor: Actor): AsyncIterableIterator<unknown> {
    return this.notifier.changesFor(partnerRelationshipsPageTenantOf(actor));
  }
}

const toMember = (user: UserRow): DirectoryRoleMember => ({
  userId: user.user_id,
  name: user.name,
});
