import { Inject } from '@nestjs/common';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import { connectionOf } from '../platform/graphql/connection';
import { boundedList } from '../platform/graphql/bounded-list';
import { decodeCursor, encodeCursor, isTextKey, pageSize } from '../platform/graphql/cursor';
import type { CommandContext } from '../platform/write/command-context';
import { ChangeSubscriptionAccess } from './change-subscription-access';
import { ProvisionAzureSubscription } from './provision-azure-subscription';
import { RegisterAzureSubscription } from './register-azure-subscription';
import { maySeeSubscription, subscriptionListingOf } from './domain/subscription-access';
import type { Actor } from '../platform/domain/actor';
import { assertPartnerPageReader } from '../delegated-admin/domain/page-access';
import { notFound } from '../platform/domain/domain-error';
import {
  checkUserId,
  givenTenantId,
  normaliseEntityId,
  normaliseTenantId,
} from '../platform/domain/ids';
import type { Principal as DomainPrincipal } from './domain/azure-roles';
import { CommandGateway } from '../platform/graphql/command-gateway';
import { Caller, CurrentActor } from '../platform/graphql/current-actor.decorator';
import { ReadSide } from '../platform/read-store/read-side';
import {
  type SubscriptionKey,
  type SubscriptionView,
  SubscriptionsQueries,
} from '../../projections/azure-subscriptions/subscriptions.queries';
import { PartnerSubscriptionsQueries } from '../../projections/azure-subscriptions/partner-subscriptions.queries';
import { toAzureSubscription } from './subscription.mapper';

import {
  AssignSubscriptionRoleInput,
  AzureSubscription,
  AzureSubscriptionConnection,
  PrincipalInput,
  PrincipalKind,
  ProvisionAzureSubscriptionInput,
  RegisterAzureSubscriptionInput,
  RemoveSubscriptionRoleAssignmentInput,
} from './subscription.types';

/** The input as the domain's principal; the decider checks the fields each kind needs (R20). */
const toPrincipal = (input: PrincipalInput): DomainPrincipal =>
  input.kind === PrincipalKind.PARTNER_GROUP
    ? {
        kind: 'PARTNER_GROUP',
        partnerTenantId: input.partnerTenantId
          ? normaliseTenantId(input.partnerTenantId, 'principal.partnerTenantId')
          : '',
        group: input.group ?? ('' as never),
      }
    : input.kind === PrincipalKind.CUSTOMER_GROUP
      ? { kind: 'CUSTOMER_GROUP', groupId: input.groupId ?? '' }
      : {
          kind: 'CUSTOMER_USER',
          userId: input.userId ? checkUserId(input.userId, 'principal.userId') : '',
        };

const subscriptionIdOf = (id: string) => normaliseEntityId(id, 'subscription');

@Resolver(() => AzureSubscription)
export class SubscriptionsResolver {
  constructor(
    private readonly commands: CommandGateway,
    private readonly readSide: ReadSide,
    private readonly subscriptions: SubscriptionsQueries,
    private readonly partnerSubscriptions: PartnerSubscriptionsQueries,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  @Mutation(() => AzureSubscription, {
    description: 'R22: a partner provisions a subscription; its Admin Agents become Owner.',
  })
  async provisionAzureSubscription(
    @Caller() caller: CommandContext,
    @Args('input') input: ProvisionAzureSubscriptionInput,
  ): Promise<AzureSubscription> {
    const command = {
      type: 'ProvisionAzureSubscription',
      actor: caller.actor,
      subscriptionId: randomUUID(),
      ownerAssignmentId: randomUUID(),
      customerTenantId: normaliseTenantId(input.customerTenantId, 'customerTenantId'),
      displayName: input.displayName,
    } as const;
    return this.commands.execute(new ProvisionAzureSubscription(caller, command), () =>
      this.visible(caller.actor, command.subscriptionId),
    );
  }

  @Mutation(() => AzureSubscription, {
    description: 'R21: the customer registers a subscription it created itself.',
  })
  async registerAzureSubscription(
    @Caller() caller: CommandContext,
    @Args('input') input: RegisterAzureSubscriptionInput,
  ): Promise<AzureSubscription> {
    const command = {
      type: 'RegisterAzureSubscription',
      actor: caller.actor,
      subscriptionId: randomUUID(),
      displayName: input.displayName,
    } as const;
    return this.commands.execute(new RegisterAzureSubscription(caller, command), () =>
      this.visible(caller.actor, command.subscriptionId),
    );
  }

  @Mutation(() => AzureSubscription, {
    description:
      'R24: add a role assignment at subscription scope. A partner gives roles to its own groups and to the customer’s users and groups, never to another partner’s (FORBIDDEN, R17).',
  })
  async assignSubscriptionRole(
    @Caller() caller: CommandContext,
    @Args('input') input: AssignSubscriptionRoleInput,
  ): Promise<AzureSubscription> {
    const command = {
      type: 'AssignSubscriptionRole',
      actor: caller.actor,
      subscriptionId: subscriptionIdOf(input.subscriptionId),
      assignmentId: randomUUID(),
      principal: toPrincipal(input.principal),
      role: input.role,
    } as const;
    return this.commands.execute(new ChangeSubscriptionAccess(caller, command), () =>
      this.visible(caller.actor, command.subscriptionId),
    );
  }

  @Mutation(() => AzureSubscription, { description: 'R24: remove a role assignment.' })
  async removeSubscriptionRoleAssignment(
    @Caller() caller: CommandContext,
    @Args('input') input: RemoveSubscriptionRoleAssignmentInput,
  ): Promise<AzureSubscription> {
    const command = {
      type: 'RemoveSubscriptionRoleAssignment',
      actor: caller.actor,
      subscriptionId: subscriptionIdOf(input.subscriptionId),
      assignmentId: normaliseEntityId(input.assignmentId, 'role assignment'),
    } as const;
    return this.commands.execute(new ChangeSubscriptionAccess(caller, command), () =>
      this.visible(caller.actor, command.subscriptionId, true),
    );
  }

  @Mutation(() => AzureSubscription, {
    description: 'R9: cancel a subscription (the customer, or the partner that provisioned it).',
  })
  async cancelAzureSubscription(
    @Caller() caller: CommandContext,
    @Args('subscriptionId', { type: () => ID }) subscriptionIdInput: string,
  ): Promise<AzureSubscription> {
    const command = {
      type: 'CancelAzureSubscription',
      actor: caller.actor,
      subscriptionId: subscriptionIdOf(subscriptionIdInput),
    } as const;
    return this.commands.execute(new ChangeSubscriptionAccess(caller, command), () =>
      this.visible(caller.actor, command.subscriptionId, true),
    );
  }

  @Query(() => [AzureSubscription], {
    description:
      'A customer’s subscriptions (its own users), or those a partner provisioned or holds a role on, in the customer named or in every customer (R17).',
    deprecationReason: 'Use azureSubscriptionsConnection: paged, with totalCount.',
  })
  async azureSubscriptions(
    @CurrentActor() actor: Actor,
    @Args('customerTenantId', { type: () => ID, nullable: true }) customerTenantIdInput?: string,
  ): Promise<AzureSubscription[]> {
    const seen = await this.seenBy(actor, customerTenantIdInput);
    return boundedList(
      this.settings.GRAPHQL_MAX_LIST_ITEMS,
      (limit) => seen.page(limit),
      'azureSubscriptions',
      'azureSubscriptionsConnection',
    ).map((view) => toAzureSubscription(view, actor));
  }

  @Query(() => AzureSubscriptionConnection, {
    description:
      'R17, R23: the Azure subscriptions the caller sees, by name, paged: a customer’s own; a partner’s in the customer named, or in every customer; the Operator’s in the customer named.',
  })
  async azureSubscriptionsConnection(
    @CurrentActor() actor: Actor,
    @Args('customerTenantId', { type: () => ID, nullable: true }) customerTenantIdInput?: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<AzureSubscriptionConnection> {
    const size = pageSize(first, 50, 500);
    const key = decodeCursor('azureSubscriptions', after, isTextKey('name', 'id')) ?? undefined;
    const seen = await this.seenBy(actor, customerTenantIdInput);
    return connectionOf(
      seen.page(size + 1, key).map((view) => toAzureSubscription(view, actor)),
      size,
      (node) => node,
      (node) => encodeCursor('azureSubscriptions', { name: node.displayName, id: node.id }),
      seen.count,
    );
  }

  /**
   * R17: the live subscriptions `actor` lists (subscriptionListingOf), paged by name then id, once
   * the read models are ready: a partner's from the partner-subscriptions read model (those it
   * provisioned or holds a role on, whatever else the customer has), the customer's own and the
   * Operator's from the subscriptions read model.
   */
  private async seenBy(
    actor: Actor,
    customerTenantIdInput: string | undefined,
  ): Promise<{
    page: (limit: number, after?: SubscriptionKey) => SubscriptionView[];
    count: () => number;
  }> {
    const named = givenTenantId(customerTenantIdInput, 'customerTenantId');
    assertPartnerPageReader(actor);
    await this.readSide.ready('subscriptions', 'partner-subscriptions');
    const listing = subscriptionListingOf(actor, named);
    if (!listing) return { page: () => [], count: () => 0 };
    if ('everyCustomerOf' in listing || actor.tenantKind === 'partner') {
      const customerTenantId = 'customerTenantId' in listing ? listing.customerTenantId : undefined;
      return {
        page: (limit, after) =>
          this.partnerSubscriptions.pageOf(actor.tenantId, customerTenantId, limit, after),
        count: () => this.partnerSubscriptions.countOf(actor.tenantId, customerTenantId),
      };
    }
    const { customerTenantId, heldBy } = listing;
    return {
      page: (limit, after) => this.subscriptions.pageOf(customerTenantId, limit, after, heldBy),
      count: () => this.subscriptions.countOf(customerTenantId, heldBy),
    };
  }

  /** Removing its own last role hides a subscription from a partner; the answer still shows the result. */
  private async visible(
    actor: Actor,
    subscriptionId: string,
    evenIfNoLongerVisible = false,
  ): Promise<AzureSubscription> {
    await this.readSide.ready('subscriptions');
    const view = this.subscriptions.byId(subscriptionId);
    if (!view || (!evenIfNoLongerVisible && !maySeeSubscription(actor, view)))
      throw notFound('No such Azure subscription.');
    return toAzureSubscription(view, actor);
  }
}
