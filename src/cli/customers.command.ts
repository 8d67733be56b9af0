import { Command, InvalidArgumentError, Option } from 'commander';
import { customersProjection } from '../../projections/delegated-admin/customers.projection';
import { CustomersQueries } from '../../projections/delegated-admin/customers.queries';
import { partnerSubscriptionsProjection } from '../../projections/azure-subscriptions/partner-subscriptions.projection';
import { PartnerSubscriptionsQueries } from '../../projections/azure-subscriptions/partner-subscriptions.queries';
import { gdapRelationshipsProjection } from '../../projections/gdap/gdap-relationships.projection';
import { exportCustomers } from '../delegated-admin/customers-page/customers-export';
import {
  CUSTOMER_SORTS,
  type CustomerSort,
  DAP_STATUSES,
  type SortDirection,
} from '../delegated-admin/domain/customer-search';
import type { DapStatus } from '../delegated-admin/domain/partner-capabilities';
import { PARTNER_ROLES } from '../platform/domain/actor';
import { DomainError } from '../platform/domain/domain-error';
import { loadSettings } from '../platform/config/settings';
import { createEventStore } from '../platform/event-store/event-store.factory';
import { ProjectionEngine } from '../platform/projection-engine/projection-engine';
import { createReadStore } from '../platform/read-store/read-store.factory';
import { tenantIdArgument } from './arguments';
import { assertStoreExists, COMMAND_GIVES_UP_AFTER, reportOpenedStores } from './opened-stores';

const listOf =
  <T extends string>(allowed: readonly T[], what: string) =>
  (value: string): T[] => {
    const items = value.split(',').map((item) => item.trim());
    const wrong = items.filter((item) => !allowed.includes(item as T));
    if (wrong.length) throw new InvalidArgumentError(`${what}: ${allowed.join(', ')}`);
    return items as T[];
  };

function yesNo(value: string): boolean {
  if (value === 'yes' || value === 'no') return value === 'yes';
  throw new InvalidArgumentError('yes or no');
}

interface ExportFlags {
  partner: string;
  roles: string[];
  search?: string;
  dapStatus?: DapStatus[];
  ended?: boolean;
  serviceUsable?: string;
  serviceUnusable?: string;
  hasAzureSubscriptions?: boolean;
  sort: CustomerSort;
  direction: SortDirection;
}

const exportCommand = new Command('export')
  .description(
    "Write a partner's Customers page, searched, filtered and sorted as in GraphQL, to stdout as CSV (pages: constant memory)",
  )
  .requiredOption('--partner <id>', 'the partner tenant id', tenantIdArgument)
  .option(
    '--roles <roles>',
    'the partner roles the page is seen with (which services are usable)',
    listOf(PARTNER_ROLES, 'partner roles'),
    [...PARTNER_ROLES],
  )
  .option('--search <text>', 'a prefix of the name or domain (accents and case ignored)')
  .option(
    '--dap-status <statuses>',
    'ACTIVE, REMOVED, NONE (comma-separated)',
    listOf(DAP_STATUSES, 'DAP statuses'),
  )
  .option('--ended', 'relationships the partner ended instead of active ones')
  .addOption(
    new Option(
      '--service-usable <name>',
      'rows where this service is usable (e.g. Exchange)',
    ).conflicts('serviceUnusable'),
  )
  .option('--service-unusable <name>', 'rows where this service is not usable')
  .option('--has-azure-subscriptions <yes|no>', 'with or without Azure subscriptions', yesNo)
  .addOption(new Option('--sort <sort>', 'order').choices(CUSTOMER_SORTS).default('NAME'))
  .addOption(new Option('--direction <direction>').choices(['ASC', 'DESC']).default('ASC'))
  .action(async (flags: ExportFlags) => {
    const settings = loadSettings();
    assertStoreExists(settings);
    const store = createEventStore(settings);
    const readStore = createReadStore(settings);
    reportOpenedStores(settings);
    try {
      // The page's query joins each row's GDAP summary (gdap-relationships' table) and filters by
      // the partner's subscriptions (partner-subscriptions').
      await new ProjectionEngine(
        store,
        readStore,
        [customersProjection, partnerSubscriptionsProjection, gdapRelationshipsProjection],
        { giveUpAfterFailures: COMMAND_GIVES_UP_AFTER },
      ).catchUp();
      const customers = new CustomersQueries(readStore);
      if (!customers.hasAnyCustomer(flags.partner)) {
        // As `audit export` does for a customer it never heard of: a typo, most likely.
        console.error(
          `partner-ledger: no customer has had a relationship with partner "${flags.partner}": unknown tenant (check the id); nothing exported`,
        );
        process.exitCode = 1;
        return;
      }
      const serviceName = flags.serviceUsable ?? flags.serviceUnusable;
      const rows = await exportCustomers(
        customers,
        new PartnerSubscriptionsQueries(readStore),
        {
          userId: 'cli',
          name: 'command line',
          tenantId: flags.partner,
          tenantKind: 'partner',
          roles: flags.roles,
        },
        {
          filter: {
            search: flags.search,
            delegatedAdminStatus: flags.dapStatus,
            relationshipActive: !flags.ended,
            // An empty name is refused as an unknown service, not read as no filter.
            service:
              serviceName !== undefined
                ? { name: serviceName, usable: flags.serviceUsable !== undefined }
                : null,
            hasAzureSubscriptions: flags.hasAzureSubscriptions,
          },
          sort: flags.sort,
          direction: flags.direction,
        },
        process.stdout,
      );
      console.error(`exported ${rows} customers of ${flags.partner}`);
    } catch (error) {
      if (error instanceof DomainError) {
        console.error(`partner-ledger: ${error.message}`);
        process.exitCode = 1;
        return;
      }
      throw error;
    } finally {
      readStore.close();
      await store.close();
    }
  });

export const customersCommand = new Command('customers')
  .description("A partner's Customers page from the command line")
  .addCommand(exportCommand);
