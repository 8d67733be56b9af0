import { Inject } from '@nestjs/common';
import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { GdapRelationshipsHistoryQueries } from '../../projections/gdap/gdap-relationships-history.queries';
import { GdapRelationshipsQueries } from '../../projections/gdap/gdap-relationships.queries';
import { PartnerRelationship } from '../delegated-admin/customers-page/customer.types';
import type { Actor } from '../platform/domain/actor';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { boundedList } from '../platform/graphql/bounded-list';
import { CurrentActor } from '../platform/graphql/current-actor.decorator';
import { ReadSide } from '../platform/read-store/read-side';
import { maySeeRelationship } from './domain/gdap-access';
import { toRelationship } from './gdap.mapper';
import { DelegatedAdminAccessGrant, DelegatedAdminRelationship } from './gdap.types';
import { grantsInForceOf, NO_GDAP } from '../../projections/gdap/gdap-pair-summary';
import type { GdapGrant } from '../platform/domain/gdap-grants';

/** The customer's Partner relationships page (R15) shows each partner's GDAP relationships too. */
@Resolver(() => PartnerRelationship)
export class PartnerRelationshipGdapResolver {
  constructor(
    private readonly readSide: ReadSide,
    private readonly relationships: GdapRelationshipsQueries,
    private readonly history: GdapRelationshipsHistoryQueries,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  @ResolveField(() => [DelegatedAdminRelationship], {
    description:
      'The partner’s GDAP relationships with this customer, by display name: status, roles, end date, auto-extend (R60–R66); as they stood at asOf on a past page. More than GRAPHQL_MAX_LIST_ITEMS is refused (RESPONSE_TOO_LARGE): page them with delegatedAdminRelationships(filter: { partnerTenantId }).',
  })
  async delegatedAdminRelationships(
    @CurrentActor() actor: Actor,
    @Parent() row: PartnerRelationship & { asOf?: Date },
  ): Promise<DelegatedAdminRelationship[]> {
    const { partnerTenantId, customerTenantId, asOf } = row;
    await this.readSide.ready(asOf ? 'gdap-relationships-history' : 'gdap-relationships');
    const views = boundedList(
      this.settings.GRAPHQL_MAX_LIST_ITEMS,
      (limit) =>
        asOf
          ? (this.history
              .ofCustomers(partnerTenantId, [customerTenantId], asOf, limit)
              .get(customerTenantId) ?? [])
          : (this.relationships
              .ofCustomers(partnerTenantId, [customerTenantId], limit)
              .get(customerTenantId) ?? []),
      'PartnerRelationship.delegatedAdminRelationships',
      'delegatedAdminRelationships',
    );
    return views
      .filter((view) => maySeeRelationship(actor, view))
      .map((view) => toRelationship(view, actor));
  }

  @ResolveField(() => [DelegatedAdminAccessGrant], {
    description:
      'R11, R67: which of the partner’s groups hold which directory roles in this tenant through GDAP now (at asOf on a past page), each with the relationship and assignment it holds them through, until that relationship ends. More than GRAPHQL_MAX_LIST_ITEMS is refused (RESPONSE_TOO_LARGE).',
  })
  async gdapAccess(
    @CurrentActor() actor: Actor,
    @Parent() row: PartnerRelationship & { asOf?: Date },
  ): Promise<readonly GdapGrant[]> {
    const { partnerTenantId, customerTenantId, asOf } = row;
    if (!maySeeRelationship(actor, row)) return [];
    await this.readSide.ready(asOf ? 'gdap-relationships-history' : 'gdap-relationships');
    const summary = (
      asOf
        ? this.history.summariesOf(partnerTenantId, [customerTenantId], asOf)
        : this.relationships.summariesOf(partnerTenantId, [customerTenantId])
    ).get(customerTenantId);
    const grants = grantsInForceOf(summary ?? NO_GDAP, asOf ?? this.readSide.now());
    return boundedList(
      this.settings.GRAPHQL_MAX_LIST_ITEMS,
      () => grants,
      'PartnerRelationship.gdapAccess',
      'delegatedAdminRelationships',
    );
  }
}
