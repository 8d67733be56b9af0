import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { OpenServiceRequest } from '../../src/delegated-admin/open-service-request';
import { RemoveDelegatedAdminPrivileges } from '../../src/delegated-admin/remove-delegated-admin-privileges';
import { AcceptResellerInvitation } from '../../src/invitations/accept-reseller-invitation';
import { RequestResellerRelationship } from '../../src/invitations/request-reseller-relationship';
import type { Actor } from '../../src/platform/domain/actor';
import { type Ledger, openLedger } from '../lib/ledger';
import type { BenchOptions } from '../lib/options';
import { buildFigure, type Figure, type Sample } from '../lib/report';
import { alternate, inScratchDir } from '../lib/scratch';
import { Latencies, nowMs } from '../lib/stats';

const PARTNER = 'contoso-partners';
const admin: Actor = {
  userId: 'ann',
  name: 'Ann',
  tenantId: PARTNER,
  tenantKind: 'partner',
  tenantName: 'Contoso Partners',
  roles: ['AdminAgent'],
};
const helpdesk: Actor = { ...admin, userId: 'hal', name: 'Hal', roles: ['HelpdeskAgent'] };
const customerAdmin = (index: number): Actor => ({
  userId: `admin-${index}`,
  name: `Admin ${index}`,
  tenantId: `customer-${index}`,
  tenantKind: 'customer',
  tenantName: `Customer ${index}`,
  tenantDomain: `customer${index}.onmicrosoft.com`,
  roles: ['GlobalAdmin'],
});
const as = (actor: Actor) => ({ actor, correlationId: randomUUID() });
const openServiceRequest = (actor: Actor, customerTenantId: string) =>
  new OpenServiceRequest(as(actor), {
    type: 'OpenServiceRequest',
    actor,
    partnerTenantId: actor.tenantId,
    customerTenantId,
    serviceRequestId: randomUUID(),
    title: 'Reset a password',
    description: 'For a user of the customer',
  });

/** Customers 0..pairs-1 each accept an invitation with DAP from the partner. */
async function grantPairs(ledger: Ledger, pairs: number): Promise<void> {
  for (let index = 0; index < pairs; index++) {
    const { invitationId } = await ledger.bus.execute(
      new RequestResellerRelationship(as(admin), {
        type: 'RequestResellerRelationship',
        actor: admin,
        invitationId: randomUUID(),
        includeDelegatedAdmin: true,
        intendedCustomer: null,
      }),
    );
    const accepter = customerAdmin(index);
    await ledger.gateway.execute(
      new AcceptResellerInvitation(as(accepter), {
        type: 'AcceptResellerInvitation',
        actor: accepter,
        invitationId,
      }),
      () => undefined,
    );
  }
}

/**
 * One run: for each pair, `writers` partner users keep opening service requests on it while its
 * customer removes DAP; the removal's latency (read-your-writes included) is recorded. With 0
 * writers, the same removals on a quiet pair: the limit.
 */
async function removals(dir: string, pairs: number, writers: number): Promise<Sample> {
  const ledger = await openLedger(dir, { SQLITE_SYNCHRONOUS: 'FULL' });
  try {
    await grantPairs(ledger, pairs);
    const latencies = new Latencies();
    let refusedRemovals = 0;
    let partnerCommands = 0;
    for (let index = 0; index < pairs; index++) {
      const customer = customerAdmin(index);
      let hammering = true;
      const hammer = async (writer: number) => {
        while (hammering) {
          partnerCommands += 1;
          await ledger.bus
            .execute(openServiceRequest(writer % 2 ? admin : helpdesk, customer.tenantId))
            // Refused once DAP is being removed, as it must be. A refusal reads cached streams
            // only (microtasks): yield, or this loop would starve the removal's own appends.
            .catch(() => new Promise((resolve) => setImmediate(resolve)));
        }
      };
      const hammers = Array.from({ length: writers }, (_, writer) => hammer(writer));
      // Let the partner's traffic get going on the pair before the customer acts.
      await new Promise((resolve) => setTimeout(resolve, writers > 0 ? 5 : 0));
      const started = nowMs();
      try {
        await ledger.gateway.execute(
          new RemoveDelegatedAdminPrivileges(as(customer), {
            type: 'RemoveDelegatedAdminPrivileges',
            actor: customer,
            partnerTenantId: PARTNER,
            customerTenantId: customer.tenantId,
            confirm: true,
          }),
          () => undefined,
        );
      } catch {
        refusedRemovals += 1;
      }
      latencies.record(nowMs() - started);
      hammering = false;
      await Promise.all(hammers);
    }
    const latency = latencies.percentiles();
    return {
      value: latency.p99,
      latency,
      details: { refusedRemovals, partnerCommands },
    };
  } finally {
    await ledger.close();
  }
}

/** Figure 7: a customer's DAP removal while the partner hammers the same pair. */
export async function revocationFigures(options: BenchOptions): Promise<Figure[]> {
  const { pairs, writers } = options.sizes.revocation;
  return inScratchDir(async (dir) => {
    let run = 0;
    const fresh = () => {
      const runDir = join(dir, `run-${run++}`);
      mkdirSync(runDir);
      return runDir;
    };
    options.log(
      `  ${pairs} removals, ${writers} partner writers on each pair × ${options.sizes.runs} runs`,
    );
    const samples = await alternate(
      options.sizes.runs,
      () => removals(fresh(), pairs, writers),
      () => removals(fresh(), pairs, 0),
    );
    return [
      buildFigure(
        {
          id: `revocation.dap.${writers}w`,
          figure: 7,
          title: `removeDelegatedAdminPrivileges p99 while ${writers} partner writers hammer the pair`,
          workload: `${pairs} pairs with DAP; on each, ${writers} partner users open service requests back to back while the customer removes DAP (command plus read-your-writes); synchronous=FULL`,
          unit: 'ms (p99)',
          better: 'lower',
          limitLabel:
            'the same removals on quiet pairs (no partner traffic), same process and store',
          targets: (figure) => [
            {
              text: 'every removal succeeds on its first try from the caller’s view',
              met: (figure.details?.refusedRemovals ?? 1) === 0,
            },
          ],
        },
        samples.product,
        samples.limit,
      ),
    ];
  });
}
