import type { SqlRunner } from '../../src/platform/projection-engine/projection';

export interface UserRow {
  tenant_id: string;
  user_id: string;
  tenant_kind: string;
  name: string;
  /** JSON array of the roles the user's token last presented. */
  roles: string;
}

export class UsersQueries {
  constructor(private readonly db: SqlRunner) {}

  user(tenantId: string, userId: string): UserRow | undefined {
    return this.db.get<UserRow>('SELECT * FROM users WHERE tenant_id = ? AND user_id = ?', [
      tenantId,
      userId,
    ]);
  }

  /** The tenant's own users that last presented `role`. */
  holding(tenantId: string, role: string): UserRow[] {
    return this.db.all<UserRow>(
      `SELECT * FROM users WHERE tenant_id = ? AND EXISTS (SELECT 1 FROM json_each(users.roles) WHERE value = ?)
       ORDER BY name, user_id`,
      [tenantId, role],
    );
  }
}
