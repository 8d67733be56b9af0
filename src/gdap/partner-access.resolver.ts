import { Inject } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { PartnerSubscriptionsQueries } from '../../projections/azure-subscriptions/partner-subscriptions.queries';
import { CustomersQueries } from '../../projections/delegated-admin/customers.queries';
import { resellerActive } from '../../projections/delegated-admin/relationship-row';
import { GdapRelationshipsQueries } from '../../projections/gdap/gdap-relationships.queries';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { notFound } from '../platform/domain/domain-error';
import type { Actor } from '../platform/domain/actor';
import { normaliseTenantId } from '../platform/domain/ids';
import { CommandGateway } from '../platform/graphql/command-gateway';
import { Caller, CurrentActor } from '../platform/graphql/current-actor.decorator';
import { ReadSide } from '../platform/read-store/read-side';
import type { CommandContext } from '../platform/write/command-context';
import {
  assertMayRevokePartnerAccess,
  type PartnerAccessFacts,
  partnerGrants,
} from './domain/partner-access';
import { PartnerAccess, type PartnerGrantKind } from './gdap.types';
import { RevokePartnerAccess } from './revoke-partner-access';

const READ_MODELS = ['customers', 'partner-subscriptions', 'gdap-relationships'];

/** R68, R70: the customer's view of one partner's access, and the one action that ends it. */
@Resolver()
export class PartnerAccessResolver {
  constructor(
    private readonly commands: CommandGateway,
    private readonly readSide: ReadSide,
    private readonly customers: CustomersQueries,
    private readonly subscriptions: PartnerSubscriptionsQueries,
    private readonly gdap: GdapRelationshipsQueries,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  @Query(() => PartnerAccess, {
    description:
      'R68: every grant the partner holds in the caller’s tenant, and what revokePartnerAccess changes for each.',
  })
  async previewRevokePartnerAccess(
    @CurrentActor() actor: Actor,
    @Args('partnerTenantId', { type: () => ID }) partnerTenantIdInput: string,
  ): Promise<PartnerAccess> {
    return this.access(actor, normaliseTenantId(partnerTenantIdInput, 'partnerTenantId'));
  }

  @Mutation(() => PartnerAccess, {
    description:
      'R70: end every grant the partner holds in the caller’s tenant at once (confirm: true); answers what remains.',
  })
  async revokePartnerAccess(
    @Caller() caller: CommandContext,
    @Args('partnerTenantId', { type: () => ID }) partnerTenantIdInput: string,
    @Args('confirm', { defaultValue: false }) confirm: boolean,
  ): Promise<PartnerAccess> {
    const partnerTenantId = normaliseTenantId(partnerTenantIdInput, 'partnerTenantId');
    await this.knownFacts(caller.actor, partnerTenantId); // NOT_FOUND: no partner of the tenant
    return this.commands.execute(new RevokePartnerAccess(caller, partnerTenantId, confirm), () =>
      this.access(caller.actor, partnerTenantId),
    );
  }

  private async access(actor: Actor, partnerTenantId: string): Promise<PartnerAccess> {
    const grants = partnerGrants(partnerTenantId, await this.knownFacts(actor, partnerTenantId));
    return {
      partnerTenantId,
      grants: grants.map((grant) => ({ ...grant, kind: grant.kind as PartnerGrantKind })),
    };
  }

  /** The partner's facts in the caller's tenant; NOT_FOUND when it never had anything there. */
  private async knownFacts(actor: Actor, partnerTenantId: string): Promise<PartnerAccessFacts> {
    const customerTenantId = assertMayRevokePartnerAccess(actor);
    await this.readSide.ready(...READ_MODELS);
    let facts = this.facts(partnerTenantId, customerTenantId);
    if (!facts) {
      // Not known to the read models yet, or no partner of the tenant: asked again once they are
      // current, so a grant recorded a moment ago is not answered as nothing.
      await this.readSide.current(...READ_MODELS);
      facts = this.facts(partnerTenantId, customerTenantId);
    }
    if (!facts) {
      throw notFound(
        `${partnerTenantId} has never had a reseller relationship, GDAP relationship or Azure role in your tenant.`,
      );
    }
    return facts;
  }

  /**
   * What the read models know of the partner in the customer's tenant; undefined when nothing:
   * every grant starts with a relationship or an approval the customer gave (R5, R62).
   */
  private facts(partnerTenantId: string, customerTenantId: string): PartnerAccessFacts | undefined {
    const row = this.customers.pair(partnerTenantId, customerTenantId);
    // Every relationship of the pair (gdap_relationships): revokePartnerAccess ends them all.
    const gdap = this.gdap.ofCustomers(partnerTenantId, [customerTenantId]).get(customerTenantId);
    const subscriptions = this.subscriptions.allOf(partnerTenantId, customerTenantId);
    if (!row && !gdap && subscriptions.length === 0) return undefined;
    return {
      partnerName: row?.partner_name ?? partnerTenantId,
      relationshipActive: row !== undefined && resellerActive(row),
      dap: {
        status: row?.dap_status ?? 'NONE',
        roles: row ? (JSON.parse(row.dap_roles) as string[]) : [],
      },
      gdap: gdap ?? [],
      subscriptions,
      autopilotPolicy: this.settings.AUTOPILOT_POLICY,
    };
  }
}
