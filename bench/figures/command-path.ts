import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { OpenServiceRequest } from '../../src/delegated-admin/open-service-request';
import { RemoveDelegatedAdminPrivileges } from '../../src/delegated-admin/remove-delegated-admin-privileges';
import { AcceptResellerInvitation } from '../../src/invitations/accept-reseller-invitation';
import { RequestResellerRelationship } from '../../src/invitations/request-reseller-relationship';
import type { Actor } from '../../src/platform/domain/actor';
import { catchUpReadModels, copyDataDir, scenarioFile } from '../lib/fixtures';
import { openLedger } from '../lib/ledger';
import type { BenchOptions } from '../lib/options';
import type { Scenario } from '../lib/population';
import { RawLedger } from '../lib/raw-ledger';
import { Random, Zipf } from '../lib/random';
import { buildFigure, type Figure, type Sample } from '../lib/report';
import { alternate, inScratchDir } from '../lib/scratch';
import { Latencies, nowMs } from '../lib/stats';

export type CommandKind = 'request' | 'accept' | 'serviceRequest' | 'remove';

/**
 * The command mix: partners invite (new small streams), customers accept (three streams each),
 * partners open service requests on Zipf-chosen busy pairs (hot streams, where concurrent writers
 * conflict and retry), customers remove DAP (each removable pair once).
 */
export function commandPlan(count: number, seed: number): CommandKind[] {
  const random = Random.for(seed, 'command-plan');
  let pending = 0;
  return Array.from({ length: count }, () => {
    const roll = random.next();
    if (roll < 0.3 || (roll < 0.55 && pending === 0)) {
      pending += 1;
      return 'request';
    }
    if (roll < 0.55) {
      pending -= 1;
      return 'accept';
    }
    return roll < 0.9 ? 'serviceRequest' : 'remove';
  });
}

const TITLE = 'Licence assignment fails for new users';
const DESCRIPTION =
  'Assigning Microsoft 365 Business Premium to three new users fails with "insufficient licences" although the subscription shows 12 available seats.';

/** Turns planned kinds into real commands against a scenario, in plan order. */
export class CommandSource {
  private readonly pending: string[] = [];
  private readonly busy: Zipf;
  private removed = 0;
  private customers = 0;

  constructor(
    private readonly scenario: Scenario,
    private readonly random: Random,
  ) {
    this.busy = new Zipf(scenario.busyPairs.length, random);
  }

  /** What to run next for `kind`; an `accept` with nothing pending yet becomes a request. */
  next(kind: CommandKind): { kind: CommandKind; run: (ledger: CommandRunner) => Promise<unknown> } {
    const context = (actor: Actor) => ({ actor, correlationId: this.random.uuid() });
    if (kind === 'accept' && this.pending.length > 0) {
      const invitationId = this.pending.shift() as string;
      const admin = this.newCustomerAdmin();
      return {
        kind,
        run: (ledger) =>
          ledger(
            new AcceptResellerInvitation(context(admin), {
              type: 'AcceptResellerInvitation',
              actor: admin,
              invitationId,
            }),
          ),
      };
    }
    if (kind === 'serviceRequest') {
      const { partner, customer } = this.scenario.busyPairs[this.busy.next()];
      return {
        kind,
        run: (ledger) =>
          ledger(
            new OpenServiceRequest(context(partner.helpdesk), {
              type: 'OpenServiceRequest',
              actor: partner.helpdesk,
              partnerTenantId: partner.helpdesk.tenantId,
              customerTenantId: customer.tenantId,
              serviceRequestId: randomUUID(),
              title: TITLE,
              description: DESCRIPTION,
            }),
          ),
      };
    }
    if (kind === 'remove' && this.removed < this.scenario.removablePairs.length) {
      const { partner, customer } = this.scenario.removablePairs[this.removed++];
      return {
        kind,
        run: (ledger) =>
          ledger(
            new RemoveDelegatedAdminPrivileges(context(customer.admin), {
              type: 'RemoveDelegatedAdminPrivileges',
              actor: customer.admin,
              partnerTenantId: partner.tenantId,
              customerTenantId: customer.admin.tenantId,
              confirm: true,
            }),
          ),
      };
    }
    const partner = this.scenario.partners[3 + this.random.int(this.scenario.partners.length - 3)];
    return {
      kind: 'request',
      run: async (ledger) => {
        const outcome = (await ledger(
          new RequestResellerRelationship(context(partner.admin), {
            type: 'RequestResellerRelationship',
            actor: partner.admin,
            // Not from `random`: the scenario's sequence stays the one it always was.
            invitationId: randomUUID(),
            includeDelegatedAdmin: true,
            intendedCustomer: null,
          }),
        )) as { invitationId: string };
        this.pending.push(outcome.invitationId);
      },
    };
  }

  private newCustomerAdmin(): Actor {
    const index = this.customers++;
    const tenantId = this.random.uuid();
    return {
      userId: this.random.uuid(),
      name: `Global admin of bench customer ${index}`,
      tenantId,
      tenantKind: 'customer',
      tenantName: `Bench customer ${index}`,
      tenantDomain: `benchcustomer${index}.onmicrosoft.com`,
      roles: ['GlobalAdmin'],
    };
  }
}

export type CommandRunner = (command: object) => Promise<unknown>;

async function productRun(
  log: (line: string) => void,
  prepared: string,
  dir: string,
  plan: CommandKind[],
  scenario: Scenario,
  writers: number,
  seed: number,
): Promise<Sample> {
  copyDataDir(prepared, dir);
  const ledger = await openLedger(dir);
  const source = new CommandSource(scenario, Random.for(seed, 'command-source'));
  const run: CommandRunner = (command) =>
    ledger.gateway.execute(command as never, (outcome) => outcome);
  const latencies = new Latencies();
  let next = 0;
  let refused = 0;
  const writer = async () => {
    while (next < plan.length) {
      const command = source.next(plan[next++]);
      const started = nowMs();
      try {
        await command.run(run);
      } catch (error) {
        refused += 1;
        if (refused === 1) log(`    a ${command.kind} was refused: ${(error as Error).message}`);
      }
      latencies.record(nowMs() - started);
    }
  };
  const started = nowMs();
  await Promise.all(Array.from({ length: writers }, writer));
  const seconds = (nowMs() - started) / 1000;
  await ledger.close();
  return { value: plan.length / seconds, latency: latencies.percentiles(), details: { refused } };
}

/** The floor: the same per-command database work with raw better-sqlite3 (see RawLedger). */
function rawRun(
  prepared: string,
  dir: string,
  plan: CommandKind[],
  scenario: Scenario,
  seed: number,
): Sample {
  copyDataDir(prepared, dir);
  const raw = new RawLedger(dir, scenario, seed);
  const latencies = new Latencies();
  const started = nowMs();
  for (const kind of plan) {
    const begun = nowMs();
    raw.command(kind);
    raw.project();
    latencies.record(nowMs() - begun);
  }
  const seconds = (nowMs() - started) / 1000;
  raw.close();
  return { value: plan.length / seconds, latency: latencies.percentiles() };
}

/** Figure 2: commands in-process, from the command bus to the read models showing them. */
export async function commandPathFigures(options: BenchOptions): Promise<Figure[]> {
  const { command, runs } = options.sizes;
  return inScratchDir(async (dir) => {
    const prepared = join(dir, 'prepared');
    mkdirSync(prepared);
    options.log(
      `  preparing ${command.backgroundEvents.toLocaleString('en-US')} background events and ${command.busyPairs} busy pairs`,
    );
    const scenario = scenarioFile(prepared, {
      seed: options.seed,
      backgroundEvents: command.backgroundEvents,
      pageCustomers: 0,
      pendingInvitations: 0,
      // Every run may remove at most this many: more than a run can use.
      removablePairs: command.commands,
      busyPairs: command.busyPairs,
    });
    await catchUpReadModels(prepared);
    const plan = commandPlan(command.commands, options.seed);
    let run = 0;
    const fresh = () => {
      const runDir = join(dir, `run-${run++}`);
      mkdirSync(runDir);
      return runDir;
    };
    const figures: Figure[] = [];
    for (const writers of command.writers) {
      options.log(`  ${writers} concurrent writer(s): ${plan.length} commands × ${runs} runs`);
      const samples = await alternate(
        runs,
        () => productRun(options.log, prepared, fresh(), plan, scenario, writers, options.seed),
        () => Promise.resolve(rawRun(prepared, fresh(), plan, scenario, options.seed)),
      );
      figures.push(
        buildFigure(
          {
            id: `command.${writers}w`,
            figure: 2,
            title: `command path, ${writers} concurrent writer${writers > 1 ? 's' : ''}`,
            workload: `${plan.length} commands (30% invite, 25% accept, 35% service request on Zipf-chosen busy pairs, 10% remove DAP) through the command bus, each awaited until the read models show it; synchronous=FULL`,
            unit: 'commands/s',
            limitLabel:
              'raw better-sqlite3: the same stream reads, appends and one read-model upsert per event, sequentially',
          },
          samples.product,
          samples.limit,
        ),
      );
    }
    return figures;
  });
}
