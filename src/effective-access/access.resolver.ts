import { Inject } from '@nestjs/common';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { effectiveAccess, groupAccess, subscriptionsWithin } from './domain/effective-access';
import {
  PARTNER_ROLE_NAMES,
  type PartnerRoleName,
  partnerRolesOf,
} from '../delegated-admin/domain/partner-capabilities';
import {
  maySeeSubscription,
  type SubscriptionFacts,
} from '../azure-subscriptions/domain/subscription-access';
import type { Actor } from '../platform/domain/actor';
import { invalidInput, notFound } from '../platform/domain/domain-error';
import {
  assertMayAskEffectiveAccess,
  type PairInQuestion,
  partnerAskingAbout,
  userInQuestion,
} from './domain/access-question';
import { checkUserId, normaliseEntityId, normaliseTenantId, quote } from '../platform/domain/ids';
import { CurrentActor } from '../platform/graphql/current-actor.decorator';
import { ReadSide } from '../platform/read-store/read-side';
import { CustomersQueries } from '../../projections/delegated-admin/customers.queries';
import { SubscriptionsQueries } from '../../projections/azure-subscriptions/subscriptions.queries';
import { PartnerSubscriptionsQueries } from '../../projections/azure-subscriptions/partner-subscriptions.queries';
import { UsersQueries } from '../../projections/delegated-admin/users.queries';
import { AccessReport, PartnerRole } from './access.types';
import { GdapRelationshipsQueries } from '../../projections/gdap/gdap-relationships.queries';
import { partnerDefinedGroupsOf } from '../gdap/domain/security-groups';
import { tooManyAnswers } from '../platform/graphql/bounded-list';

const SUBSCRIPTION_IDS_MAX = 100;

@Resolver()
export class AccessResolver {
  constructor(
    private readonly readSide: ReadSide,
    private readonly customers: CustomersQueries,
    private readonly subscriptions: SubscriptionsQueries,
    private readonly partnerSubscriptions: PartnerSubscriptionsQueries,
    private readonly users: UsersQueries,
    private readonly gdap: GdapRelationshipsQueries,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  @Query(() => AccessReport, {
    description:
      'R40: what each partner role (or one partner user, as its token last presented roles) may do in the customer’s tenant now, and why; the subscription actions for each subscription the caller sees there, or for those named (`subscriptionIds`, at most 100). More than GRAPHQL_MAX_LIST_ITEMS capabilities is refused (RESPONSE_TOO_LARGE): name the subscriptions, a page of azureSubscriptionsConnection at a time, or ask about one role.',
  })
  async effectiveAccess(
    @CurrentActor() actor: Actor,
    @Args('partnerTenantId', { type: () => ID }) partnerTenantIdInput: string,
    @Args('customerTenantId', { type: () => ID }) customerTenantIdInput: string,
    @Args('userId', { type: () => ID, nullable: true }) userIdInput?: string,
    @Args('role', { type: () => PartnerRole, nullable: true }) role?: PartnerRoleName,
    @Args('subscriptionIds', { type: () => [ID], nullable: true }) subscriptionIdsInput?: string[],
  ): Promise<AccessReport> {
    const partnerTenantId = normaliseTenantId(partnerTenantIdInput, 'partnerTenantId');
    const customerTenantId = normaliseTenantId(customerTenantIdInput, 'customerTenantId');
    const userId = partnerAskingAbout(
      actor,
      userIdInput ? checkUserId(userIdInput, 'userId') : undefined,
    );
    const subscriptionIds = subscriptionIdsInput && subscriptionIdsOf(subscriptionIdsInput);
    assertMayAskEffectiveAccess(actor, { partnerTenantId, customerTenantId });
    await this.readSide.ready(
      'customers',
      'users',
      'subscriptions',
      'partner-subscriptions',
      'gdap-relationships',
    );
    const row = this.customers.relationship(partnerTenantId, customerTenantId);
    const now = this.readSide.now();
    const related =
      row !== undefined ||
      this.gdap.partnersInForceWith(customerTenantId, now, partnerTenantId).length > 0;
    const asked = userInQuestion(actor, userId, related);
    const { roles, partnerDefinedGroups } = this.inQuestion(actor, partnerTenantId, asked, role);
    const subscriptions = this.subscriptionsInQuestion(
      actor,
      { partnerTenantId, customerTenantId },
      roles.length,
      subscriptionIds,
    );
    const pair = {
      relationshipActive: row !== undefined,
      dapStatus: row?.dap_status ?? 'NONE',
      gdapGrants: this.gdap.grants(partnerTenantId, customerTenantId, now),
    };
    return {
      partnerTenantId,
      customerTenantId,
      userId: asked ?? null,
      evaluatedAt: now,
      capabilities: effectiveAccess(roles, {
        partnerTenantId,
        pair,
        subscriptions,
        autopilotPolicy: this.settings.AUTOPILOT_POLICY,
        partnerDefinedGroups,
      }),
      // One user: each group it belongs to; the partner as a whole: each group GDAP grants to.
      groupCapabilities: groupAccess(
        partnerDefinedGroups ??
          partnerDefinedGroupsOf(pair.gdapGrants.map((grant) => grant.securityGroupId)),
        { partnerTenantId, pair, autopilotPolicy: this.settings.AUTOPILOT_POLICY },
      ),
    };
  }

  /**
   * The subscriptions the report answers for: those named, or those the caller sees in the
   * customer, read only as far as GRAPHQL_MAX_LIST_ITEMS answers reach (and one more, which tells
   * that they do not all fit). A partner asks about itself (assertMayAskEffectiveAccess): only the
   * subscriptions it sees are read, whatever else the customer holds; the customer's Global admin
   * and the Operator see them all.
   */
  private subscriptionsInQuestion(
    actor: Actor,
    { partnerTenantId, customerTenantId }: PairInQuestion,
    roleCount: number,
    named: readonly string[] | undefined,
  ): SubscriptionFacts[] {
    if (roleCount === 0) return [];
    const maxItems = this.settings.GRAPHQL_MAX_LIST_ITEMS;
    const fitting = subscriptionsWithin(roleCount, maxItems);
    const limit = Math.max(fitting, 0) + 1;
    const subscriptions = named
      ? named.map((subscriptionId) =>
          this.seenSubscription(actor, customerTenantId, subscriptionId),
        )
      : actor.tenantKind === 'partner'
        ? this.partnerSubscriptions.pageOf(partnerTenantId, customerTenantId, limit)
        : this.subscriptions.pageOf(customerTenantId, limit);
    if (subscriptions.length > fitting) {
      throw tooManyAnswers(
        `effectiveAccess answers at most ${maxItems} capabilities (GRAPHQL_MAX_LIST_ITEMS) and these are more: name the subscriptions (subscriptionIds), a page of azureSubscriptionsConnection at a time, or ask about one role.`,
        maxItems,
        'azureSubscriptionsConnection',
      );
    }
    return subscriptions;
  }

  /** A live subscription of the customer the caller sees; NOT_FOUND as any other id (R17). */
  private seenSubscription(
    actor: Actor,
    customerTenantId: string,
    subscriptionId: string,
  ): SubscriptionFacts {
    const view = this.subscriptions.byId(subscriptionId);
    if (
      !view ||
      view.cancelled ||
      view.customerTenantId !== customerTenantId ||
      !maySeeSubscription(actor, view)
    ) {
      throw notFound(`No subscription ${subscriptionId} that you see in ${customerTenantId}.`);
    }
    return view;
  }

  /** The roles asked about, and for one user the groups it belongs to that the partner defined. */
  private inQuestion(
    actor: Actor,
    partnerTenantId: string,
    userId?: string,
    role?: PartnerRoleName,
  ): { roles: PartnerRoleName[]; partnerDefinedGroups?: string[] } {
    let roles: PartnerRoleName[] = [...PARTNER_ROLE_NAMES];
    let partnerDefinedGroups: string[] | undefined;
    if (userId) {
      const tokenRoles = this.lastPresentedRoles(actor, partnerTenantId, userId);
      roles = partnerRolesOf(tokenRoles);
      partnerDefinedGroups = partnerDefinedGroupsOf(tokenRoles);
    }
    return { roles: role ? roles.filter((held) => held === role) : roles, partnerDefinedGroups };
  }

  /**
   * The roles a partner user last presented: a user asking about itself presents them now, in
   * this request's token; another is known from the changes it recorded (the tokens of reads are
   * not kept), and one that recorded none is NOT_FOUND.
   */
  private lastPresentedRoles(actor: Actor, partnerTenantId: string, userId: string): string[] {
    const asksAboutItself =
      actor.tenantKind === 'partner' &&
      actor.tenantId === partnerTenantId &&
      actor.userId === userId;
    if (asksAboutItself) return [...actor.roles];
    const user = this.users.user(partnerTenantId, userId);
    if (!user || user.tenant_kind !== 'partner') {
      throw notFound(
        `No partner user ${quote(userId)} has recorded a change in this partner tenant, so the roles it holds are not known.`,
      );
    }
    return JSON.parse(user.roles) as string[];
  }
}

/** The subscriptions named, checked and each once. */
function subscriptionIdsOf(input: readonly string[]): string[] {
  if (input.length > SUBSCRIPTION_IDS_MAX) {
    throw invalidInput(`subscriptionIds names at most ${SUBSCRIPTION_IDS_MAX} subscriptions.`);
  }
  return [...new Set(input.map((id) => normaliseEntityId(id, 'subscription')))];
}
