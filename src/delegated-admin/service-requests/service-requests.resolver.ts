import { Args, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ServiceRequestsQueries } from '../../../projections/delegated-admin/service-requests.queries';
import type { Actor } from '../../platform/domain/actor';
import { normaliseTenantId } from '../../platform/domain/ids';
import { connectionOf } from '../../platform/graphql/connection';
import { decodeCursor, encodeCursor, pageSize } from '../../platform/graphql/cursor';
import { CurrentActor } from '../../platform/graphql/current-actor.decorator';
import { ReadSide } from '../../platform/read-store/read-side';
import { PartnerRelationship } from '../customers-page/customer.types';
import { serviceRequestScopeOf } from '../domain/service-request-visibility';
import { toServiceRequest } from './service-request.mapper';
import { ServiceRequestConnection, ServiceRequestFilterInput } from './service-request.types';

const isPosition = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) > 0;

/** Service requests, listed by both sides of the pair (R13, R14, R17). */
@Resolver(() => PartnerRelationship)
export class ServiceRequestsResolver {
  constructor(
    private readonly readSide: ReadSide,
    private readonly requests: ServiceRequestsQueries,
  ) {}

  @Query(() => ServiceRequestConnection, {
    description:
      'Newest first. A partner’s users list the requests their tenant opened; a customer’s Global admin those opened on its behalf, by which partner user and when.',
  })
  async serviceRequests(
    @CurrentActor() actor: Actor,
    @Args('filter', { nullable: true }) filter?: ServiceRequestFilterInput,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<ServiceRequestConnection> {
    const scope = serviceRequestScopeOf(actor);
    const otherTenantId =
      filter?.tenantId == null ? null : normaliseTenantId(filter.tenantId, 'filter.tenantId');
    const size = pageSize(first, 50, 500);
    const before = decodeCursor('serviceRequests', after, isPosition);
    await this.readSide.ready('service-requests');
    return connectionOf(
      this.requests.page(scope, otherTenantId, size + 1, before),
      size,
      toServiceRequest,
      (row) => encodeCursor('serviceRequests', row.position),
      () => this.requests.count(scope, otherTenantId),
    );
  }

  @ResolveField(() => Int, {
    description:
      'Service requests the partner opened on the customer’s behalf (up to asOf on a past page).',
  })
  async serviceRequestCount(
    @Parent() relationship: PartnerRelationship & { asOf?: Date },
  ): Promise<number> {
    await this.readSide.ready('service-requests');
    return this.requests.countOfPair(
      relationship.partnerTenantId,
      relationship.customerTenantId,
      relationship.asOf,
    );
  }
}
