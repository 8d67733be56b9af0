import { Inject } from '@nestjs/common';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { effectiveAccess, groupAccess } from './domain/effective-access';
import {
  PARTNER_ROLE_NAMES,
  type PartnerRoleName,
  partnerRolesOf,
} from '../delegated-admin/domain/partner-capabilities';
import { maySeeSubscription } from '../azure-subscriptions/domain/subscription-access';
import type { Actor } from '../platform/domain/actor';
import { notFound } from '../platform/domain/domain-error';
import { assertMayAskEffectiveAccess, userInQuestion } from './domain/access-question';
import { checkUserId, normaliseTenantId, quote } from '../platform/domain/ids';
import { assertPartnerPageReader } from '../delegated-admin/domain/page-access';
import { CurrentActor } from '../platform/graphql/current-actor.decorator';
import { ReadSide } from '../platform/read-store/read-side';
import { CustomersQueries } from '../../projections/delegated-admin/customers.queries';
import { SubscriptionsQueries } from '../../projections/azure-subscriptions/subscriptions.queries';
import { PartnerSubscriptionsQueries } from '../../projections/azure-subscriptions/partner-subscriptions.queries';
import { UsersQueries } from '../../projections/delegated-admin/users.queries';
import { AccessReport, PartnerRole } from './access.types';
import { GdapRelationshipsQueries } from '../../projections/gdap/gdap-relationships.queries';
import { partnerDefinedGroupsOf } from '../gdap/domain/security-groups';

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
      'R40: what each partner role (or one partner user, as its token last presented roles) may do in the customer’s tenant now, and why.',
  })
  async effectiveAccess(
    @CurrentActor() actor: Actor,
    @Args('partnerTenantId', { type: () => ID }) partnerTenantIdInput: string,
    @Args('customerTenantId', { type: () => ID }) customerTenantIdInput: string,
    @Args('userId', { type: () => ID, nullable: true }) userIdInput?: string,
    @Args('role', { type: () => PartnerRole, nullable: true }) role?: PartnerRoleName,
  ): Promise<AccessReport> {
    const partnerTenantId = normaliseTenantId(partnerTenantIdInput, 'partnerTenantId');
    const customerTenantId = normaliseTenantId(customerTenantIdInput, 'customerTenantId');
    const userId = userIdInput ? checkUserId(userIdInput, 'userId') : undefined;
    assertPartnerPageReader(actor);
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
    // A partner asks about itself (assertMayAskEffectiveAccess): only the subscriptions it sees
    // are read, whatever else the customer holds; the customer and the Operator see them all.
    const subscriptions =
      actor.tenantKind === 'partner'
        ? this.partnerSubscriptions.allOf(partnerTenantId, customerTenantId)
        : this.subscriptions
            .ofCustomer(customerTenantId)
            .filter((view) => maySeeSubscription(actor, view));
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
