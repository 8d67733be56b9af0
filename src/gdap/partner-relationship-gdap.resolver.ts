import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { GdapRelationshipsHistoryQueries } from '../../projections/gdap/gdap-relationships-history.queries';
import {
  GdapRelationshipsQueries,
  type GdapRelationshipView,
} from '../../projections/gdap/gdap-relationships.queries';
import { PartnerRelationship } from '../delegated-admin/customers-page/customer.types';
import type { Actor } from '../platform/domain/actor';
import { CurrentActor } from '../platform/graphql/current-actor.decorator';
import { ReadSide } from '../platform/read-store/read-side';
import { maySeeRelationship } from './domain/gdap-access';
import { toRelationship } from './gdap.mapper';
import { DelegatedAdminRelationship, GDAP_PAGE_MAX } from './gdap.types';

/** The customer's Partner relationships page (R15) shows each partner's GDAP relationships too. */
@Resolver(() => PartnerRelationship)
export class PartnerRelationshipGdapResolver {
  constructor(
    private readonly readSide: ReadSide,
    private readonly relationships: GdapRelationshipsQueries,
    private readonly history: GdapRelationshipsHistoryQueries,
  ) {}

  @ResolveField(() => [DelegatedAdminRelationship], {
    description:
      'The partner’s GDAP relationships with this customer: status, roles, end date, auto-extend (R60–R66); as they stood at asOf on a past page.',
  })
  async delegatedAdminRelationships(
    @CurrentActor() actor: Actor,
    @Parent() row: PartnerRelationship & { asOf?: Date },
  ): Promise<DelegatedAdminRelationship[]> {
    const { partnerTenantId, customerTenantId, asOf } = row;
    let views: GdapRelationshipView[];
    if (asOf) {
      await this.readSide.ready('gdap-relationships-history');
      views =
        this.history.ofCustomers(partnerTenantId, [customerTenantId], asOf).get(customerTenantId) ??
        [];
    } else {
      await this.readSide.ready('gdap-relationships');
      views = this.relationships.page({ partnerTenantId, customerTenantId }, GDAP_PAGE_MAX, null);
    }
    return views
      .filter((view) => maySeeRelationship(actor, view))
      .map((view) => toRelationship(view, actor));
  }
}
