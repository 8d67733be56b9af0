import { Args, ID, Int, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import type { CommandContext } from '../../platform/write/command-context';
import { EndResellerRelationship } from '../../invitations/end-reseller-relationship';
import type { Actor } from '../../platform/domain/actor';
import { customersPageTenantOf } from '../domain/page-access';
import { normaliseTenantId } from '../../platform/domain/ids';
import type { RelationshipRow } from '../../../projections/delegated-admin/customers.queries';
import { CommandGateway } from '../../platform/graphql/command-gateway';
import { Caller, CurrentActor } from '../../platform/graphql/current-actor.decorator';
import { decodeCursor, encodeCursor, isTextKey, pageSize } from '../../platform/graphql/cursor';
import { ReadSide } from '../../platform/read-store/read-side';
import { jsonLengthOf, ReadModelCache } from '../../platform/read-store/read-model-cache';
import { connectionOf } from '../../platform/graphql/connection';
import { CustomersQueries } from '../../../projections/delegated-admin/customers.queries';
import { CustomersHistoryQueries } from '../../../projections/delegated-admin/customers-history.queries';
import { SubscriptionsQueries } from '../../../projections/azure-subscriptions/subscriptions.queries';
import {
  NO_SUBSCRIPTIONS,
  PartnerSubscriptionsQueries,
  type RowSubscriptions,
} from '../../../projections/azure-subscriptions/partner-subscriptions.queries';
import type { RequestContext } from '../../platform/graphql/request-context';
import { PartnerRelationshipsNotifier } from '../partner-relationships.notifier';
import { customerMapper, toCustomer } from './customer.mapper';
import type { GdapPairSummary } from '../../../projections/gdap/gdap-pair-summary';
import { GdapRelationshipsQueries } from '../../../projections/gdap/gdap-relationships.queries';
import { GdapRelationshipsHistoryQueries } from '../../../projections/gdap/gdap-relationships-history.queries';
import {
  Customer,
  CustomerConnection,
  CustomerFilter,
  CustomerSort,
  CustomersCsvPage,
  SortDirection,
} from './customer.types';
import { CUSTOMERS_CSV_HEADER, customerCsvLine } from './customers-csv';
import {
  type CustomersPageQuery,
  type CustomersPageRequest,
  cursorIn,
  customersPageQuery,
  narrowsAsOfPage,
  rowSubscriptionsAsOf,
} from './customers-page';
import { pageViewerOf } from '../domain/customer-search';
import { invalidInput } from '../../platform/domain/domain-error';

const isCustomerPageKey = isTextKey('name', 'tenantId');

/** The read models the current Customers page reads (its answers' cache generation). */
const CUSTOMERS_PAGE_READ_MODELS = ['customers', 'partner-subscriptions', 'gdap-relationships'];

/** What one Customers page reads: one row more than its size says whether another follows. */
interface PageReads {
  rows: RelationshipRow[];
  subscriptions: Map<string, RowSubscriptions>;
  gdap: Map<string, GdapPairSummary>;
  totalCount: () => number;
}

const AS_OF =
  'R43: the page as it stood at this moment (relationships, DAP, Azure subscriptions and their role assignments, GDAP relationships); a later moment than now reads as now.';

const cursorOf = (row: RelationshipRow) =>
  encodeCursor('customersAsOf', { name: row.search_name, tenantId: row.customer_tenant_id });

/** The partner's Customers page (R16): only its own customers (R17). */
@Resolver(() => Customer)
export class CustomersResolver {
  constructor(
    private readonly commands: CommandGateway,
    private readonly readSide: ReadSide,
    private readonly customerRows: CustomersQueries,
    private readonly customersHistory: CustomersHistoryQueries,
    private readonly subscriptions: SubscriptionsQueries,
    private readonly partnerSubscriptions: PartnerSubscriptionsQueries,
    private readonly notifier: PartnerRelationshipsNotifier,
    private readonly gdap: GdapRelationshipsQueries,
    private readonly cache: ReadModelCache,
    private readonly gdapHistory: GdapRelationshipsHistoryQueries,
  ) {}

  @Subscription(() => Customer, {
    description:
      'A row of the caller’s Customers page changed: a customer accepted, removed DAP, the relationship ended, one of its Azure subscriptions or their role assignments changed, or the partner’s GDAP access there changed (a relationship approved, extended, ended; an access assignment active, changed or deleted) (R16, R17, R67); one message per row and change, as the row is after it.',
    resolve(
      this: CustomersResolver,
      payload: { customersChanged: RelationshipRow },
      _args: unknown,
      context: RequestContext,
    ) {
      return this.toCustomer(payload.customersChanged, context.actor!);
    },
  })
  customersChanged(@CurrentActor() actor: Actor): AsyncIterableIterator<unknown> {
    return this.notifier.customerChangesFor(customersPageTenantOf(actor));
  }

  @Query(() => CustomerConnection, {
    description:
      'R16: the partner’s customers, searched (a prefix of the name or domain, accents and case ignored), filtered and sorted; keyset-paged.',
  })
  async customers(
    @CurrentActor() actor: Actor,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
    @Args('asOf', { type: () => Date, nullable: true, description: AS_OF }) at?: Date,
    @Args('search', { nullable: true }) search?: string,
    @Args('filter', { type: () => CustomerFilter, nullable: true }) filter?: CustomerFilter,
    @Args('sort', { type: () => CustomerSort, nullable: true }) sort?: CustomerSort,
    @Args('direction', { type: () => SortDirection, nullable: true }) direction?: SortDirection,
  ): Promise<CustomerConnection> {
    const partnerTenantId = customersPageTenantOf(actor);
    const asOf = this.readSide.pastMoment(at);
    if (asOf) {
      if (narrowsAsOfPage({ filter: { ...filter, search }, sort, direction })) {
        throw invalidInput(
          'asOf shows the page as it stood, by name; search, filter and sort apply to the current page.',
        );
      }
      return this.pageAsOf(actor, partnerTenantId, asOf, first, after);
    }
    return this.currentPage(actor, {
      filter: { ...filter, search },
      sort,
      direction,
      first,
      after,
    });
  }

  @Query(() => CustomersCsvPage, {
    description:
      'R16: the filtered, sorted Customers page as CSV, one page at a time (first at most 500): follow pageInfo.endCursor until hasNextPage is false. The last two columns are GDAP (R67): gdapAccess, which of the partner’s groups hold which directory roles now (`GROUP: role, role; GROUP: role`), and gdapAccessEnds, when the first of those grants ends.',
  })
  async customersCsv(
    @CurrentActor() actor: Actor,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
    @Args('search', { nullable: true }) search?: string,
    @Args('filter', { type: () => CustomerFilter, nullable: true }) filter?: CustomerFilter,
    @Args('sort', { type: () => CustomerSort, nullable: true }) sort?: CustomerSort,
    @Args('direction', { type: () => SortDirection, nullable: true }) direction?: SortDirection,
  ): Promise<CustomersCsvPage> {
    customersPageTenantOf(actor);
    const page = await this.currentPage(actor, {
      filter: { ...filter, search },
      sort,
      direction,
      first,
      after,
    });
    return {
      csv: (after ? '' : CUSTOMERS_CSV_HEADER) + page.nodes.map(customerCsvLine).join(''),
      pageInfo: page.pageInfo,
      // Counted only when asked for, as on the page.
      get totalCount() {
        return page.totalCount;
      },
    };
  }

  /** The current page (R16) as `actor` sees it: searched, filtered, sorted and keyset-paged. */
  private async currentPage(
    actor: Actor,
    request: CustomersPageRequest,
  ): Promise<CustomerConnection> {
    const query = customersPageQuery(pageViewerOf(actor), request, this.readSide.now());
    await this.readSide.ready(...CUSTOMERS_PAGE_READ_MODELS);
    const reads = this.pageReads(query);
    return connectionOf(
      reads.rows,
      query.size,
      this.nodesFor(actor, reads),
      cursorIn(query.order),
      reads.totalCount,
    );
  }

  /**
   * What a page reads from its read models (rows, their subscriptions and GDAP relationships, the
   * total once asked for), kept by the read-model cache: the query holds the caller's visible
   * scope (partner and roles) and the arguments. Mapping for the viewer runs on every request.
   */
  private pageReads(query: CustomersPageQuery): PageReads {
    return this.cache.read(
      CUSTOMERS_PAGE_READ_MODELS,
      JSON.stringify(query),
      () => {
        const { partnerTenantId } = query.criteria;
        const rows = this.customerRows.page(
          query.criteria,
          query.order,
          query.size + 1,
          query.after,
        );
        const ids = rows.map((row) => row.customer_tenant_id);
        let count: number | undefined;
        return {
          rows,
          subscriptions: this.partnerSubscriptions.rowsOf(partnerTenantId, ids),
          gdap: this.customerRows.pairSummaries.summariesOf(partnerTenantId, ids),
          totalCount: () => (count ??= this.customerRows.count(query.criteria)),
        };
      },
      (reads) =>
        JSON.stringify(reads.rows).length +
        JSON.stringify([...reads.subscriptions.values()]).length +
        [...reads.gdap.values()].reduce((sum, summary) => sum + jsonLengthOf(summary), 0),
    );
  }

  private async pageAsOf(
    actor: Actor,
    partnerTenantId: string,
    asOf: Date,
    first?: number,
    after?: string,
  ): Promise<CustomerConnection> {
    const size = pageSize(first, 50, 500);
    const afterKey = decodeCursor('customersAsOf', after, isCustomerPageKey);
    await this.readSide.ready('customers-history', 'subscriptions', 'gdap-relationships-history');
    const rows = this.customersHistory.page(partnerTenantId, size + 1, afterKey, asOf);
    const page = rows.slice(0, size);
    const customers = page.map((row) => row.customer_tenant_id);
    const seenSubscriptions = this.subscriptions.seenByPartner(partnerTenantId, customers, asOf);
    const reads = {
      subscriptions: new Map(
        customers.map((customer) => [
          customer,
          rowSubscriptionsAsOf(partnerTenantId, seenSubscriptions.get(customer) ?? []),
        ]),
      ),
      gdap: this.gdapHistory.summariesOf(
        partnerTenantId,
        page.map((row) => row.customer_tenant_id),
        asOf,
      ),
    };
    // Counted only when asked for: a COUNT grows with the partner's customers.
    return connectionOf(rows, size, this.nodesFor(actor, reads, asOf), cursorOf, () =>
      this.customersHistory.count(partnerTenantId, asOf),
    );
  }

  /**
   * Rows as `actor` sees them, with each customer's Azure subscriptions and GDAP relationships; at
   * `asOf` (R43) the portals' usability counts the GDAP grants in force then.
   */
  private nodesFor(
    actor: Actor,
    reads: Pick<PageReads, 'subscriptions' | 'gdap'>,
    asOf?: Date,
  ): (row: RelationshipRow) => Customer {
    const toNode = customerMapper(actor, asOf ?? this.readSide.now());
    return (row) =>
      toNode(
        row,
        reads.subscriptions.get(row.customer_tenant_id) ?? NO_SUBSCRIPTIONS,
        reads.gdap.get(row.customer_tenant_id),
      );
  }

  @Query(() => Customer, {
    nullable: true,
    description:
      'R16: one customer of the caller’s partner, its relationship active or ended (relationshipActive); null for a tenant that never accepted one of its invitations nor approved one of its GDAP relationships.',
  })
  async customer(
    @CurrentActor() actor: Actor,
    @Args('tenantId', { type: () => ID }) tenantId: string,
  ): Promise<Customer | null> {
    const partnerTenantId = customersPageTenantOf(actor);
    await this.readSide.ready(...CUSTOMERS_PAGE_READ_MODELS);
    // An ended relationship too (relationshipActive false), as the page's filter lists it.
    const row = this.customerRows.pair(partnerTenantId, normaliseTenantId(tenantId, 'tenantId'));
    return row ? this.toCustomer(row, actor) : null;
  }

  @Mutation(() => Customer, {
    description:
      'R9: a partner Admin Agent ends the relationship (no active subscription it provisioned); DAP goes too. A GDAP relationship in force keeps the customer listed (relationshipActive true, relationshipType GRANULAR_DELEGATED_ADMIN).',
  })
  async endResellerRelationship(
    @Caller() caller: CommandContext,
    @Args('customerTenantId', { type: () => ID }) customerTenantIdInput: string,
  ): Promise<Customer> {
    const customerTenantId = normaliseTenantId(customerTenantIdInput, 'customerTenantId');
    const command = {
      type: 'EndResellerRelationship',
      actor: caller.actor,
      partnerTenantId: caller.actor.tenantId,
      customerTenantId,
    } as const;
    return this.commands.execute(new EndResellerRelationship(caller, command), async () => {
      await this.readSide.ready(...CUSTOMERS_PAGE_READ_MODELS);
      const row = this.customerRows.pair(caller.actor.tenantId, customerTenantId);
      if (!row) throw new Error('the customer is not on the Customers page yet.');
      return this.toCustomer(row, caller.actor);
    });
  }

  private toCustomer(row: RelationshipRow, viewer: Actor): Customer {
    const gdap = this.gdap.summariesOf(row.partner_tenant_id, [row.customer_tenant_id]);
    const subscriptions = this.partnerSubscriptions.rowsOf(row.partner_tenant_id, [
      row.customer_tenant_id,
    ]);
    return toCustomer(
      row,
      viewer,
      subscriptions.get(row.customer_tenant_id) ?? NO_SUBSCRIPTIONS,
      gdap.get(row.customer_tenant_id),
      this.readSide.now(),
    );
  }
}
