import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { type Actor, isPartnerUser } from '../../domain/shared/actor';
import { forbidden } from '../../domain/shared/domain-error';
import type { CustomerPageKey } from '../../../projections/customers.queries';
import { CurrentActor } from '../common/current-actor.decorator';
import { decodeCursor, encodeCursor, pageSize } from '../common/cursor';
import { ReadModels } from '../common/read-models';
import { toCustomer } from './customer.mapper';
import { Customer, CustomerConnection } from './customer.types';

const isCustomerPageKey = (value: unknown): value is CustomerPageKey =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as CustomerPageKey).name === 'string' &&
  typeof (value as CustomerPageKey).tenantId === 'string';

function partnerOnly(actor: Actor): string {
  if (!isPartnerUser(actor)) throw forbidden('R16', 'The Customers page is for partner users.');
  return actor.tenantId;
}

/** The partner's Customers page (R16): only its own customers (R17). */
@Resolver(() => Customer)
export class CustomersResolver {
  constructor(private readonly readModels: ReadModels) {}

  @Query(() => CustomerConnection)
  async customers(
    @CurrentActor() actor: Actor,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<CustomerConnection> {
    const partnerTenantId = partnerOnly(actor);
    const size = pageSize(first, 50, 500);
    const afterKey = decodeCursor(after, isCustomerPageKey);
    await this.readModels.ready('customers');
    const rows = this.readModels.customers.page(partnerTenantId, size + 1, afterKey);
    const edges = rows.slice(0, size).map((row) => ({
      cursor: encodeCursor({ name: row.customer_name, tenantId: row.customer_tenant_id }),
      node: toCustomer(row, actor),
    }));
    return {
      nodes: edges.map((edge) => edge.node),
      edges,
      pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount: this.readModels.customers.count(partnerTenantId),
    };
  }

  @Query(() => Customer, { nullable: true })
  async customer(
    @CurrentActor() actor: Actor,
    @Args('tenantId', { type: () => ID }) tenantId: string,
  ): Promise<Customer | null> {
    const partnerTenantId = partnerOnly(actor);
    await this.readModels.ready('customers');
    const row = this.readModels.customers.relationship(partnerTenantId, tenantId);
    return row ? toCustomer(row, actor) : null;
  }
}
