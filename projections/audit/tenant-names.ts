import type { RecordedEvent, SqlRunner } from '../../src/platform/projection-engine/projection';
import { visitTenantNames } from './audit-entry';

/** The entry the audit log ends with: its position and hash. */
export interface ChainHead {
  position: number;
  hash: string;
}

const UPSERT = `INSERT INTO audit_tenant_names (tenant_id, name) VALUES (?, ?)
  ON CONFLICT (tenant_id) DO UPDATE SET name = excluded.name WHERE name <> excluded.name`;
const SELECT = 'SELECT name FROM audit_tenant_names WHERE tenant_id = ?';

/**
 * The tenant names the audit log has learnt (`audit_tenant_names`; other things' names too, under
 * their keys: named-things.ts), kept in memory from one batch
 * to the next on the same read store, so that a replay reads and stores each tenant's name once
 * rather than once per batch. Kept only while the file still ends where they were learnt: `head`
 * is the last entry whose row (and names) were written, undefined while an entry is being recorded.
 * A batch rolled back, a replayed page or a table rebuilt leaves a head the file does not have, and
 * the names are read afresh.
 */
export class TenantNames {
  head: ChainHead | undefined;
  private readonly names = new Map<string, string | null>();

  private constructor(
    private readonly db: SqlRunner,
    head: ChainHead,
  ) {
    this.head = head;
  }

  /** The names learnt on `db` if its log still ends at `head`, else none (read as needed). */
  static upTo(db: SqlRunner, head: ChainHead): TenantNames {
    const kept = remembered.get(db);
    if (
      kept?.head?.position === head.position &&
      kept.head.hash === head.hash &&
      kept.names.size < MAX_REMEMBERED
    ) {
      return kept;
    }
    const fresh = new TenantNames(db, head);
    remembered.set(db, fresh);
    return fresh;
  }

  /** Stores the names `event` teaches that differ from those known. */
  learnFrom(event: RecordedEvent): void {
    visitTenantNames(event, this.learn);
  }

  /** A tenant's name as learnt from earlier events, or null. */
  readonly nameOf = (tenantId: string): string | null => {
    let name = this.names.get(tenantId);
    if (name === undefined) {
      name = this.db.get<{ name: string }>(SELECT, [tenantId])?.name ?? null;
      this.names.set(tenantId, name);
    }
    return name;
  };

  private readonly learn = (tenantId: string, name: string): void => {
    if (this.names.get(tenantId) === name) return;
    this.db.run(UPSERT, [tenantId, name]);
    this.names.set(tenantId, name);
  };
}

/** Past this many tenants the names are read afresh (dropping them is always safe). */
const MAX_REMEMBERED = 100_000;
const remembered = new WeakMap<SqlRunner, TenantNames>();
