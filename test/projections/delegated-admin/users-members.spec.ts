import { usersProjection } from '../../../projections/delegated-admin/users.projection';
import {
  type MemberKey,
  type UserRow,
  UsersQueries,
} from '../../../projections/delegated-admin/users.queries';
import { LISTED_DIRECTORY_ROLES } from '../../../src/delegated-admin/domain/page-access';
import type { Actor } from '../../../src/platform/domain/actor';
import type { RecordedEvent } from '../../../src/platform/projection-engine/projection';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { plannedRunner } from '../../support/planned-runner';
import { seeded } from '../../support/seeded';

/** Roles a token may carry: free text, so some spell a listed role inside another. */
const ROLES = [
  'GlobalAdmin',
  'HelpdeskAdmin',
  'GlobalAdmins',
  'xGlobalAdmin',
  'x"GlobalAdmin',
  'GlobalAdmin"',
  '["GlobalAdmin"]',
  ',"HelpdeskAdmin"',
  'helpdeskadmin',
  'Reader',
];
const TENANTS = ['fabrikam', 'tailspin'];
const NAMES = ['Ada', 'Bo', 'Cy', 'Ada']; // one name twice: ties broken by id

/** Users as the projection records them, from the tokens of a random run of events. */
function storeOfRandomUsers(seed: number, events: number): ReadStore {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const store = new ReadStore(':memory:');
  usersProjection.schema.forEach((ddl) => store.db.exec(ddl));
  usersProjection.queryIndexes?.forEach((ddl) => store.db.exec(ddl));
  const batch = usersProjection.everyEventOfBatch!();
  for (let index = 0; index < events; index++) {
    const actor: Actor = {
      userId: `user-${Math.floor(random() * 40)}`,
      name: pick(NAMES),
      tenantId: pick(TENANTS),
      tenantKind: 'customer',
      roles: ROLES.filter(() => random() < 0.25),
    };
    batch.event({ metadata: { actor } } as RecordedEvent, store);
  }
  store.transaction(() => batch.end?.(store));
  return store;
}

/** What the listing showed before the role indexes: every user of the tenant, roles parsed. */
function membersByParsing(store: ReadStore, tenantId: string, role: string): UserRow[] {
  return store
    .all<UserRow>('SELECT * FROM users WHERE tenant_id = ?', [tenantId])
    .filter((user) => (JSON.parse(user.roles) as string[]).includes(role))
    .sort((a, b) =>
      a.name === b.name ? (a.user_id < b.user_id ? -1 : 1) : a.name < b.name ? -1 : 1,
    );
}

function walk(queries: UsersQueries, tenantId: string, role: string, size: number): UserRow[] {
  const walked: UserRow[] = [];
  for (let after: MemberKey | undefined; ;) {
    const page = queries.membersOf(tenantId, role, size + 1, after);
    walked.push(...page.slice(0, size));
    if (page.length <= size) return walked;
    const last = page[size - 1];
    after = { name: last.name, id: last.user_id };
  }
}

describe('a directory role’s members, from its index (R11)', () => {
  it.each([1, 2, 3, 4, 5])(
    'R11: run %i: the members of each listed role, paged in any size, are those whose token last presented it, by name then id',
    (seed) => {
      const store = storeOfRandomUsers(seed, 120);
      const queries = new UsersQueries(store);
      for (const tenantId of TENANTS) {
        for (const { tokenRole } of LISTED_DIRECTORY_ROLES) {
          const expected = membersByParsing(store, tenantId, tokenRole);
          expect(expected.length).toBeGreaterThan(0);
          for (const size of [1, 2, 7, 1000]) {
            expect(walk(queries, tenantId, tokenRole, size)).toEqual(expected);
          }
          expect(queries.countMembersOf(tenantId, tokenRole)).toBe(expected.length);
        }
      }
      store.close();
    },
  );

  it('R11: a page is a seek into the role’s partial index, after the key, with no sort', () => {
    const store = storeOfRandomUsers(9, 50);
    const { runner, plans } = plannedRunner(store);
    const queries = new UsersQueries(runner);
    queries.membersOf('fabrikam', 'GlobalAdmin', 10);
    queries.membersOf('fabrikam', 'HelpdeskAdmin', 10, { name: 'Bo', id: 'user-3' });
    expect(plans).toEqual([
      'SEARCH users USING INDEX users_holding_globaladmin (tenant_id=?)',
      'SEARCH users USING INDEX users_holding_helpdeskadmin (tenant_id=? AND (name,user_id)>(?,?))',
    ]);
    store.close();
  });

  it('refuses to write a role into SQL unless it is letters alone', () => {
    const queries = new UsersQueries(new ReadStore(':memory:'));
    expect(() => queries.membersOf('fabrikam', "GlobalAdmin') OR ('1", 10)).toThrow(
      /not a token role the SQL may name/,
    );
  });
});
