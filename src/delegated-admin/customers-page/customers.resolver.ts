import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { CommandContext } from '../../platform/write/command-context';
import { EndResellerRelationship } from '../../invitations/end-reseller-relationship';
import { type Actor, isPartnerUser } from '../../platform/domain/actor';
import { forbidden } from '../../platform/domain/domain-error';
import { normaliseTenantId } from '../../platform/domain/ids';
import type {
  CustomerPageKey,
  RelationshipRow,
} from '../../../projections/delegated-admin/customers.queries';
import { CommandGateway } from '../../platform/graphql/command-gateway';
import { Caller, CurrentActor } from '../../platform/graphql/current-actor.decorator';
import { decodeCursor, encodeCursor, pageSize } from '../../platform/graphql/cursor';
import { ReadSide } from '../../platform/read-store/read-side';
import { CustomersQueries } from '../../../projections/delegated-admin/customers.queries';
import { CustomersHistoryQueries } from '../../../projections/delegated-admin/customers-history.queries';
import { SubscriptionsQueries } from '../../../projections/azure-subscriptions/subscriptions.queries';
import { customerMapper, toCustomer } from './customer.mapper';
import { GdapRelationshipsQueries } from '../../../projections/gdap/gdap-relationships.queries';
import { Customer, CustomerConnection } from './customer.types';

const isCustomerPageKey = (value: unknown): value is CustomerPageKey =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as CustomerPageKey).name === 'string' &&
  typeof (value as CustomerPageKey).tenantId === 'string';

const AS_OF =
  'R43: the page as it stood at this moment (relationships and DAP); Azure subscriptions are the current ones.';

const cursorOf = (row: RelationshipRow) =>
  encodeCursor({ name: row.customer_name, tenantId: row.customer_tenant_id });

function partnerOnly(actor: Actor): string {
  if (!isPartnerUser(actor)) throw forbidden('R16', 'The Customers page is for partner users.');
  return actor.tenantId;
}

/** The partner's Customers page (R16): only its own customers (R17). */
@Resolver(() => Customer)
export class CustomersResolver {
  constructor(
    private readonly commands: CommandGateway,
    private readonly readSide: ReadSide,
    private readonly customerRows: CustomersQueries,
    private readonly customersHistory: CustomersHistoryQueries,
    private readonly subscriptions: SubscriptionsQueries,
    private readonly gdap: GdapRelationshipsQueries,
  ) {}

  @Query(() => CustomerConnection)
  async customers(
    @CurrentActor() actor: Actor,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
    @Args('asOf', { type: () => Date, nullable: true, description: AS_OF }) asOf?: Date,
  ): Promise<CustomerConnection> {
    const partnerTenantId = partnerOnly(actor);
    const size = pageSize(first, 50, 500);
    const afterKey = decodeCursor(after, isCustomerPageKey);
    await this.readSide.ready(
      'customers',
      'customers-history',
      'subscriptions',
      'gdap-relationships',
    );
    const rows = asOf
      ? this.customersHistory.page(partnerTenantId, size + 1, afterKey, asOf)
      : this.customerRows.page(partnerTenantId, size + 1, afterKey);
    const pageRows = rows.slice(0, size);
    const subscriptions = this.subscriptions.ofCustomers(
      pageRows.map((row) => row.customer_tenant_id),
    );
    const customerIds = pageRows.map((row) => row.customer_tenant_id);
    const gdap = this.gdap.ofCustomers(partnerTenantId, customerIds);
    const toNode = customerMapper(actor, this.readSide.now());
    const nodes = pageRows.map((row) =>
      toNode(
        row,
        subscriptions.get(row.customer_tenant_id) ?? [],
        gdap.get(row.customer_tenant_id) ?? [],
      ),
    );
    const last = pageRows.at(-1);
    return {
      nodes,
      // Cursors for every row only when the client asks for edges.
      get edges() {
        return nodes.map((node, index) => ({ cursor: cursorOf(pageRows[index]), node }));
      },
      pageInfo: { hasNextPage: rows.length > size, endCursor: last ? cursorOf(last) : null },
      totalCount: asOf
        ? this.customersHistory.count(partnerTenantId, asOf)
        : this.customerRows.count(partnerTenantId),
    };
  }

  @Query(() => Customer, { nullable: true })
  async customer(
    @CurrentActor() actor: Actor,
    @Args('tenantId', { type: () => ID }) tenantId: string,
  ): Promise<Customer | null> {
    const partnerTenantId = partnerOnly(actor);
    await this.readSide.ready('customers', 'subscriptions', 'gdap-relationships');
    const row = this.customerRows.relationship(
      partnerTenantId,
      normaliseTenantId(tenantId, 'tenantId'),
    );
    return row ? this.toCustomer(row, actor) : null;
  }

  @Mutation(() => Customer, {
    description:
      'R9: a partner Admin Agent ends the relationship (no active subscription it provisioned); DAP goes too.',
  })
  async endResellerRelationship(
    @Caller() caller: CommandContext,
    @Args('customerTenantId', { type: () => ID }) customerTenantIdInput: string,
  ): Promise<Customer> {
    const customerTenantId = normaliseTenantId(customerTenantIdInput, 'customerTenantId');
    return this.commands.execute(
      new EndResellerRelationship(caller, customerTenantId),
      async () => {
        await this.readSide.ready('customers', 'subscriptions');
        const row = this.customerRows.pair(caller.actor.tenantId, customerTenantId);
        if (!row) throw new Error('the customer is not on the Customers page yet.');
        return this.toCustomer(row, caller.actor);
      },
    );
  }

  private toCustomer(row: RelationshipRow, viewer: Actor): Customer {
    const gdap = this.gdap.ofCustomers(row.partner_tenant_id, [row.customer_tenant_id]);
    return toCustomer(
      row,
      viewer,
      this.subscriptions.ofCustomer(row.customer_tenant_id),
      gdap.get(row.customer_tenant_id) ?? [],
      this.readSide.now(),
    );
  }
}
