import type { RecordedEvent } from '../event-store/event-store';
import type { SqlRunner } from '../read-store/read-store';

export type { RecordedEvent, SqlRunner };

export type ProjectionHandler = (event: RecordedEvent, db: SqlRunner) => void;

/**
 * A read model: its tables and what each event type does to them. Handlers must be idempotent
 * upserts; the engine applies each event once per checkpoint, in global order.
 */
export interface Projection {
  name: string;
  /** Bump when tables or handlers change: the read model is rebuilt from the first event. */
  version: number;
  /** Tables this projection owns; dropped on rebuild. */
  tables: string[];
  /** DDL creating the tables and indexes (IF NOT EXISTS). */
  schema: string[];
  /**
   * Indexes only queries read (handlers never look rows up by them). A rebuild creates them once
   * its replay is done: one sorted build instead of a random write per row, and the engine
   * refuses queries on a rebuilding read model anyway.
   */
  queryIndexes?: string[];
  handlers: Partial<Record<string, ProjectionHandler>>;
  /** Runs for every event, before the type's own handler (the audit log wants them all). */
  everyEvent?: ProjectionHandler;
}

export type ProjectionRunStatus = 'LIVE' | 'CATCHING_UP' | 'REBUILDING' | 'FAILED';

export interface ProjectionStatus {
  name: string;
  version: number;
  checkpoint: number;
  lag: number;
  status: ProjectionRunStatus;
  error?: string;
}

export const PROJECTIONS = Symbol('Projections');
