import { Inject } from '@nestjs/common';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { effectiveAccess } from './domain/effective-access';
import {
  PARTNER_ROLE_NAMES,
  type PartnerRoleName,
  partnerRolesOf,
} from '../delegated-admin/domain/partner-capabilities';
import { maySeeSubscription } from '../azure-subscriptions/domain/subscription-access';
import { type Actor, isCustomerGlobalAdmin, isOperator } from '../platform/domain/actor';
import { forbidden, notFound } from '../platform/domain/domain-error';
import { checkUserId, normaliseTenantId, quote } from '../platform/domain/ids';
import { CurrentActor } from '../platform/graphql/current-actor.decorator';
import { ReadSide } from '../platform/read-store/read-side';
import { CustomersQueries } from '../../projections/delegated-admin/customers.queries';
import { SubscriptionsQueries } from '../../projections/azure-subscriptions/subscriptions.queries';
import { UsersQueries } from '../../projections/delegated-admin/users.queries';
import { AccessReport, PartnerRole } from './access.types';
import { GdapRelationshipsQueries } from '../../projections/gdap/gdap-relationships.queries';
import { grantsInForce } from '../gdap/domain/effective-roles';

/** R40: customer Global admins and the partner's own users may ask; other tenants see nothing. */
function assertMayAsk(actor: Actor, partnerTenantId: string, customerTenantId: string): void {
  if (isOperator(actor)) return;
  if (actor.tenantKind === 'partner' && actor.tenantId === partnerTenantId) return;
  if (actor.tenantKind === 'customer' && actor.tenantId === customerTenantId) {
    if (isCustomerGlobalAdmin(actor)) return;
    throw forbidden(
      'R40',
      'Only a Global admin of the customer tenant may ask what a partner can do in it.',
    );
  }
  throw notFound('No such partner–customer pair.');
}

@Resolver()
export class AccessResolver {
  constructor(
    private readonly readSide: ReadSide,
    private readonly customers: CustomersQueries,
    private readonly subscriptions: SubscriptionsQueries,
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
    assertMayAsk(actor, partnerTenantId, customerTenantId);
    await this.readSide.ready('customers', 'users', 'subscriptions', 'gdap-relationships');
    const row = this.customers.relationship(partnerTenantId, customerTenantId);
    // Without a relationship nothing is allowed whoever the user is: a customer learns nothing
    // of which users an unrelated partner has, known or unknown.
    const roles =
      !row && actor.tenantKind === 'customer'
        ? this.rolesInQuestion(partnerTenantId, undefined, role)
        : this.rolesInQuestion(partnerTenantId, userId, role);
    const subscriptions = this.subscriptions
      .ofCustomer(customerTenantId)
      .filter((view) => maySeeSubscription(actor, view));
    const now = this.readSide.now();
    return {
      partnerTenantId,
      customerTenantId,
      userId: userId ?? null,
      evaluatedAt: now,
      capabilities: effectiveAccess(roles, {
        partnerTenantId,
        pair: {
          relationshipActive: row !== undefined,
          dapStatus: row?.dap_status ?? 'NONE',
          gdapGrants: grantsInForce(this.gdap.grants(partnerTenantId, customerTenantId), now),
        },
        subscriptions,
        autopilotPolicy: this.settings.AUTOPILOT_POLICY,
      }),
    };
  }

  private rolesInQuestion(
    partnerTenantId: string,
    userId?: string,
    role?: PartnerRoleName,
  ): PartnerRoleName[] {
    let roles: PartnerRoleName[] = [...PARTNER_ROLE_NAMES];
    if (userId) {
      const user = this.users.user(partnerTenantId, userId);
      if (!user || user.tenant_kind !== 'partner') {
        throw notFound(`No partner user ${quote(userId)} has been seen in this partner tenant.`);
      }
      roles = partnerRolesOf(JSON.parse(user.roles) as string[]);
    }
    return role ? roles.filter((held) => held === role) : roles;
  }
}
