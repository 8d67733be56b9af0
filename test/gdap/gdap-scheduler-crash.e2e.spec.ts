import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { gdapDecider } from '../../src/gdap/domain/gdap.decider';
import { gdapRelationshipId, gdapStreamId } from '../../src/gdap/domain/gdap-ids';
import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import { GdapScheduler } from '../../src/gdap/gdap-scheduler';
import type { GdapCommand } from '../../src/gdap/domain/commands';
import type { Actor } from '../../src/platform/domain/actor';
import { AggregateStore } from '../../src/platform/write/aggregate-store';
import { describeOnBothStores, ManualClock, removeDataDir, startApp } from '../support/app';
import { EsdbDouble } from '../support/esdb-double/esdb-double';
import { spawnServer } from '../support/server-process';

const DAY = 86_400_000;
const PARTNERS = 60;
const fay: Actor = {
  userId: 'fay',
  name: 'Fay',
  tenantId: 'fabrikam',
  tenantKind: 'customer',
  roles: ['GlobalAdmin'],
};
const adminOf = (partnerTenantId: string): Actor => ({
  userId: 'ann',
  name: 'Ann',
  tenantId: partnerTenantId,
  tenantKind: 'partner',
  roles: ['AdminAgent'],
});
/** Half the relationships auto-extend (R63): they are extended rather than expired. */
const autoExtends = (index: number) => index % 2 === 1;

/** The transitions due once 100 days have passed, per relationship (R63). */
const DUE = [
  'DelegatedAdminRelationshipExpiring',
  'DelegatedAdminRelationshipExpired',
  'DelegatedAdminRelationshipAutoExtended',
];

interface Recorded {
  type: string;
  streamId: string;
}

/** The due transitions recorded so far, read from the store itself (not through the server). */
interface StoreUnderTest {
  env: Record<string, string>;
  recorded(): Recorded[];
  close(): Promise<void>;
}

function sqliteStore(dataDir: string): StoreUnderTest {
  const events = new Database(join(dataDir, 'events.db'), { readonly: true });
  const query = events.prepare(
    `SELECT type, stream_id AS streamId FROM events WHERE type IN (${DUE.map(() => '?').join(', ')})`,
  );
  return {
    env: {},
    recorded: () => query.all(...DUE) as Recorded[],
    close: () => {
      events.close();
      return Promise.resolve();
    },
  };
}

/** The in-process gRPC double outlives the killed server, as an EventStoreDB node would. */
function esdbStore(double: EsdbDouble): StoreUnderTest {
  return {
    env: { EVENTSTORE_URL: double.url },
    recorded: () =>
      double.log
        .all()
        .filter((event) => DUE.includes(event.type))
        .map(({ type, streamId }) => ({ type, streamId })),
    close: () => double.stop(),
  };
}

/**
 * R69: "survives restarts (no event is missed or doubled after a crash)". 60 partners each hold
 * a 90-day relationship approved 100 days ago with an active assignment; the server is started
 * (the real clock) and killed with SIGKILL while its scheduler records what became due; started
 * again, every transition is recorded exactly once. On both event stores.
 */
describeOnBothStores('the GDAP scheduler killed while it records due transitions', (onEsdb) => {
  it('R69, R63: on restart no transition is missed or recorded twice', async () => {
    const double = onEsdb ? await EsdbDouble.start({ batchAppend: true }) : undefined;
    const storeEnv: Record<string, string> = double ? { EVENTSTORE_URL: double.url } : {};
    const hundredDaysAgo = new Date(Date.now() - 100 * DAY);
    const setup = await startApp({
      clock: new ManualClock(hundredDaysAgo),
      env: { GDAP_SCHEDULER_MAX_SLEEP_MS: '86400000', ...storeEnv },
    });
    const { dataDir } = setup;
    try {
      const aggregates = setup.app.get(AggregateStore);
      for (let index = 0; index < PARTNERS; index++) {
        const partner = `partner-${index}`;
        const relationshipId = gdapRelationshipId(partner, randomUUID());
        const ann = adminOf(partner);
        const steps: [GdapCommand, Actor][] = [
          [
            {
              type: 'CreateDelegatedAdminRelationship',
              actor: ann,
              relationshipId,
              customerTenantId: 'fabrikam',
              displayName: `Relationship ${index}`,
              duration: 'P90D',
              roles: [DIRECTORY_ROLES.USER_ADMINISTRATOR],
              autoExtendDuration: autoExtends(index) ? 'P180D' : 'PT0S',
            },
            ann,
          ],
          [
            {
              type: 'RequestDelegatedAdminRelationshipApproval',
              actor: ann,
              relationshipId,
              approvalBaseUrl: 'https://admin.microsoft.com/approve',
            },
            ann,
          ],
          [{ type: 'ApproveDelegatedAdminRelationship', actor: fay, relationshipId }, fay],
          [
            {
              type: 'CreateDelegatedAdminAccessAssignment',
              actor: ann,
              relationshipId,
              assignmentId: randomUUID(),
              securityGroupId: 'ADMIN_AGENTS',
              roleTemplateIds: [DIRECTORY_ROLES.USER_ADMINISTRATOR.roleTemplateId],
            },
            ann,
          ],
          [{ type: 'RecordDueTransitions' }, ann],
        ];
        for (const [command, actor] of steps) {
          await aggregates.decide(gdapStreamId(partner), gdapDecider, command, {
            actor,
            correlationId: `setup-${index}`,
          });
        }
      }
    } finally {
      await setup.close();
    }

    const store = double ? esdbStore(double) : sqliteStore(dataDir);
    const recorded = () => store.recorded();
    try {
      const server = spawnServer(dataDir, store.env);
      let atKill = 0;
      for (const until = Date.now() + 60_000; Date.now() < until;) {
        atKill = recorded().filter((e) => e.type !== 'DelegatedAdminRelationshipExpiring').length;
        if (atKill > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await server.stop('SIGKILL');
      expect(server.child.signalCode).toBe('SIGKILL');
      // Killed midway: some partners' transitions recorded, not all.
      const left = recorded().filter((e) => e.type !== 'DelegatedAdminRelationshipExpiring');
      expect(atKill).toBeGreaterThan(0);
      expect(left.length).toBeLessThan(PARTNERS);

      const app = await startApp({
        dataDir,
        env: { GDAP_SCHEDULER_MAX_SLEEP_MS: '20', ...store.env },
      });
      try {
        await app.app.get(GdapScheduler).runDue();
        const all = recorded();
        const count = (type: string) => all.filter((e) => e.type === type).length;
        // One of each per relationship, never two: every partner's stream has its own.
        expect(count('DelegatedAdminRelationshipExpiring')).toBe(PARTNERS);
        expect(count('DelegatedAdminRelationshipExpired')).toBe(PARTNERS / 2);
        expect(count('DelegatedAdminRelationshipAutoExtended')).toBe(PARTNERS / 2);
        for (const type of DUE) {
          const streams = all.filter((e) => e.type === type).map((e) => e.streamId);
          expect(new Set(streams).size).toBe(streams.length);
        }
        // Another pass, as a second instance or a repeated wake would make, finds nothing.
        await app.app.get(GdapScheduler).runDue();
        expect(recorded()).toHaveLength(all.length);
      } finally {
        await app.close();
      }
    } finally {
      await store.close();
      removeDataDir(dataDir);
    }
  }, 180_000);
});
