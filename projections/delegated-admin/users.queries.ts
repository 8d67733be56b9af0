import type { SqlRunner } from '../../src/platform/projection-engine/projection';

export interface UserRow {
  tenant_id: string;
  user_id: string;
  tenant_kind: string;
  name: string;
  /** JSON array of the roles the user's token last presented. */
  roles: string;
}

/** Where a page of a role's members starts: after this member, by name then id. */
export interface MemberKey {
  name: string;
  id: string;
}

/**
 * SQL true when the user's roles (the token's, as JSON.stringify wrote them) hold `role`: its
 * quoted name right after `[` or `,`. Inside a role's own text every `"` is written `\"`, so a
 * role like `x"GlobalAdmin` does not match. A literal, not a parameter: each partial index and
 * the queries it serves must spell the same expression.
 */
export function holdsRole(role: string): string {
  if (!/^[A-Za-z]+$/.test(role)) throw new Error(`${role} is not a token role the SQL may name.`);
  return `(instr(roles, '["${role}"') > 0 OR instr(roles, ',"${role}"') > 0)`;
}

export class UsersQueries {
  constructor(private readonly db: SqlRunner) {}

  user(tenantId: string, userId: string): UserRow | undefined {
    return this.db.get<UserRow>('SELECT * FROM users WHERE tenant_id = ? AND user_id = ?', [
      tenantId,
      userId,
    ]);
  }

  /**
   * The tenant's own users whose token last presented `role`, by name then id: `limit` of them
   * after `after`, read from the role's partial index.
   */
  membersOf(tenantId: string, role: string, limit: number, after?: MemberKey): UserRow[] {
    return this.db.all<UserRow>(
      `SELECT * FROM users WHERE tenant_id = @tenantId AND ${holdsRole(role)}
       ${after ? 'AND (name, user_id) > (@name, @id)' : ''}
       ORDER BY name, user_id LIMIT @limit`,
      { tenantId, limit, ...after },
    );
  }

  countMembersOf(tenantId: string, role: string): number {
    return (
      this.db.get<{ total: number }>(
        `SELECT COUNT(*) AS total FROM users WHERE tenant_id = ? AND ${holdsRole(role)}`,
        [tenantId],
      )?.total ?? 0
    );
  }
}
