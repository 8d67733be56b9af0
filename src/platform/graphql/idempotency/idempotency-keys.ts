import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { ensurePrivateDir, ensurePrivateFile } from '../../security/private-files';
import { BUSY_WAIT_MS } from '../../faults/while-locked';
import { FileIdentity } from '../../faults/file-identity';
import { inDatabaseFile, StoreUnavailableError } from '../../faults/store-unavailable';
import type { FormattedExecutionResult } from 'graphql';
import { CONSISTENCY_TOKEN_EXTENSION } from '../../consistency/consistency-token';

/** What a caller's key finds: a fresh claim, the first answer, or why it cannot be used. */
export type Claim =
  | { kind: 'claimed' }
  | { kind: 'answered'; result: FormattedExecutionResult }
  | { kind: 'other-request' }
  | { kind: 'running'; correlationId: string; interrupted: boolean };

interface Row {
  fingerprint: string;
  state: 'RUNNING' | 'ANSWERED';
  result: string | null;
  correlation_id: string;
  created_at: number;
}

/** How often expired keys are swept, at most. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Idempotency keys (the IETF draft's `Idempotency-Key`), per caller, in `DATA_DIR/idempotency.db`:
 * for each, the request it was first used with (a fingerprint) and, once recorded, its answer.
 * Kept `ttlMs` after first use. A separate file: they are not events, and not derived from them.
 */
export class IdempotencyKeys {
  private readonly db: Database.Database;
  /** A key claimed in a file deleted under the server would be forgotten at the next start. */
  readonly file: FileIdentity;
  private readonly startedAt: number;
  private sweptAt = 0;

  constructor(
    file: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    ensurePrivateDir(dirname(file));
    ensurePrivateFile(file); // SQLite gives its -wal and -shm files the same mode
    const db = new Database(file);
    this.db = db;
    this.file = new FileIdentity(file);
    inDatabaseFile(file, () => {
      db.pragma('journal_mode = WAL');
      // A lock another process holds is waited for on a timer (whileLocked), not here.
      db.pragma(`busy_timeout = ${BUSY_WAIT_MS}`);
      db.exec(`CREATE TABLE IF NOT EXISTS idempotency_keys (
      caller TEXT NOT NULL,
      key TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      state TEXT NOT NULL,
      result TEXT,
      correlation_id TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (caller, key)
    )`);
    });
    this.startedAt = this.now();
  }

  /** Claims `key` for this request, or says what it was used for before. */
  claim(caller: string, key: string, fingerprint: string, correlationId: string): Claim {
    if (this.file.lost()) throw new StoreUnavailableError('FILE_LOST');
    const now = this.now();
    this.sweep(now);
    const claimed = this.db
      .prepare(
        `INSERT INTO idempotency_keys (caller, key, fingerprint, state, correlation_id, created_at)
         VALUES (?, ?, ?, 'RUNNING', ?, ?)
         ON CONFLICT (caller, key) DO UPDATE SET fingerprint = excluded.fingerprint,
           state = 'RUNNING', result = NULL, correlation_id = excluded.correlation_id,
           created_at = excluded.created_at
         WHERE idempotency_keys.created_at < ?`,
      )
      .run(caller, key, fingerprint, correlationId, now, now - this.ttlMs);
    if (claimed.changes === 1) return { kind: 'claimed' };
    const row = this.db
      .prepare('SELECT * FROM idempotency_keys WHERE caller = ? AND key = ?')
      .get(caller, key) as Row;
    if (row.fingerprint !== fingerprint) return { kind: 'other-request' };
    if (row.state === 'ANSWERED' && row.result !== null) {
      return { kind: 'answered', result: JSON.parse(row.result) as FormattedExecutionResult };
    }
    return {
      kind: 'running',
      correlationId: row.correlation_id,
      interrupted: row.created_at < this.startedAt,
    };
  }

  /** The claimed request recorded something: its answer is what a retry gets. */
  answer(caller: string, key: string, result: FormattedExecutionResult): void {
    this.db
      .prepare(
        `UPDATE idempotency_keys SET state = 'ANSWERED', result = ? WHERE caller = ? AND key = ?`,
      )
      .run(JSON.stringify(result), caller, key);
  }

  /**
   * Forgets the answers to requests whose events are past `head` (their consistency token): an
   * events.db restored from an older copy beside this file no longer holds them, and a retry
   * replaying such an answer would name what does not exist. The key then runs anew. How many.
   */
  forgetAnswersPast(head: number): number {
    return this.db
      .prepare(
        `DELETE FROM idempotency_keys WHERE state = 'ANSWERED'
           AND CAST(json_extract(result, '$.extensions.${CONSISTENCY_TOKEN_EXTENSION}') AS INTEGER) > ?`,
      )
      .run(head).changes;
  }

  /** The claimed request recorded nothing: the key is free again, so a retry runs anew. */
  release(caller: string, key: string): void {
    this.db
      .prepare(`DELETE FROM idempotency_keys WHERE caller = ? AND key = ? AND state = 'RUNNING'`)
      .run(caller, key);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private sweep(now: number): void {
    if (now - this.sweptAt < SWEEP_EVERY_MS) return;
    this.sweptAt = now;
    this.db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?').run(now - this.ttlMs);
  }
}
