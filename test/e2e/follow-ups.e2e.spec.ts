import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actorFromClaims } from '../../src/platform/auth/token-claims';
import { AggregateStore } from '../../src/platform/write/aggregate-store';
import { systemClock } from '../../src/platform/config/clock';
import { relationshipDecider } from '../../src/invitations/domain/relationship.decider';
import { streamIds } from '../../src/platform/domain/streams';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { removeDataDir, startApp } from '../support/app';
import { acceptWithoutFollowUps } from '../support/story';
import { people } from '../support/tenants';

const ann = actorFromClaims(people.ann);
const fay = actorFromClaims(people.fay);
const PAGE = '{ partnerRelationships { partnerTenantId delegatedAdmin { status } } }';

/** As if the policies had never run: they start again from the first event. */
function forgetPolicyCheckpoint(dataDir: string): void {
  const db = new Database(join(dataDir, 'read-models.db'));
  try {
    expect(db.prepare('DELETE FROM policy_checkpoints').run().changes).toBe(1);
  } finally {
    db.close();
  }
}

/** Writes what a command wrote before the process died: the first append, not its follow-ups. */
async function acceptThenCrash(dataDir: string): Promise<void> {
  const store = new SqliteEventStore(join(dataDir, 'events.db'));
  await acceptWithoutFollowUps(new AggregateStore(store, systemClock), ann, fay);
  await store.close();
}

describe('follow-ups survive a crash between a command’s appends', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'follow-ups-'));
  });
  afterEach(() => removeDataDir(dataDir));

  it('R7, R10: an invitation accepted just before a crash gets its relationship and DAP on the next start', async () => {
    await acceptThenCrash(dataDir);
    const app = await startApp({ dataDir });
    try {
      const page = await app.gql(await app.token(people.fay), PAGE);
      expect(page.data.partnerRelationships).toEqual([
        { partnerTenantId: 'contoso-partners', delegatedAdmin: { status: 'ACTIVE' } },
      ]);
    } finally {
      await app.close();
    }
  });

  it('R12: replaying old acceptances from scratch never re-grants DAP the customer removed', async () => {
    const first = await startApp({ dataDir });
    const fayToken = await first.token(people.fay);
    const invitation = (
      await first.gql(
        await first.token(people.ann),
        'mutation { requestResellerRelationship(input: {}) { id } }',
      )
    ).data.requestResellerRelationship.id;
    await first.gql(
      fayToken,
      'mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { since } }',
      { id: invitation },
    );
    await first.gql(
      fayToken,
      'mutation { removeDelegatedAdminPrivileges(partnerTenantId: "contoso-partners", confirm: true) { since } }',
    );
    await first.close();

    forgetPolicyCheckpoint(dataDir);
    const second = await startApp({ dataDir });
    try {
      const page = await second.gql(await second.token(people.fay), PAGE);
      expect(page.data.partnerRelationships).toEqual([
        { partnerTenantId: 'contoso-partners', delegatedAdmin: { status: 'REMOVED' } },
      ]);
    } finally {
      await second.close();
    }
  });

  it('R9: a relationship ended just before a crash loses its DAP on the next start', async () => {
    await acceptThenCrash(dataDir);
    const first = await startApp({ dataDir });
    await first.close();
    const store = new SqliteEventStore(join(dataDir, 'events.db'));
    const aggregates = new AggregateStore(store, systemClock);
    const relationship = streamIds.relationship('contoso-partners', 'fabrikam');
    // Started and ended (the fences left out): the end's two steps.
    for (const atRevision of [0, 1]) {
      await aggregates.decide(
        relationship,
        relationshipDecider,
        {
          type: 'EndResellerRelationship',
          actor: ann,
          partnerTenantId: 'contoso-partners',
          customerTenantId: 'fabrikam',
          activeProvisionedSubscriptionIds: [],
          atRevision,
        },
        { actor: ann, correlationId: 'c-end' },
      );
    }
    await store.close();

    const second = await startApp({ dataDir });
    try {
      const events = await second.app
        .get(AggregateStore)
        .load(streamIds.dapGrant('contoso-partners', 'fabrikam'), {
          initialState: [] as string[],
          evolve: (types: string[], event: { type: string }) => [...types, event.type],
        });
      expect(events.state).toEqual(['DelegatedAdminGranted', 'DelegatedAdminRemoved']);
    } finally {
      await second.close();
    }
  });
});
