import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { statfsSync } from 'node:fs';
import { SETTINGS, type Settings } from '../config/settings';
import { EVENT_STORE, type EventStore, type EventStoreHealth } from '../event-store/event-store';
import { PROJECTOR, type Projector } from '../projection-engine/projector';
import { READ_STORE, type ReadStore } from '../read-store/read-store';
import { IntegrityChecks } from './integrity-checks';
import { eventsFile } from '../event-store/event-store.factory';
import type { FileIdentity } from '../faults/file-identity';
import { onDamagedPage } from '../faults/store-unavailable';
import { IdempotencyKeys } from '../graphql/idempotency/idempotency-keys';

export type FaultCheck =
  'event_store' | 'read_store' | 'projections' | 'disk' | 'integrity' | 'files';

/** One reason the server cannot do its work now (readiness is false while any is present). */
export interface Problem {
  check: FaultCheck;
  /** `DISK_FULL`, `LOCKED`, `IO_ERROR`, `CORRUPT`, `FILE_LOST`, `STALLED`, `STOPPED`, `DOWN`. */
  cause: string;
  detail: string;
}

export interface FaultReport {
  eventStore: EventStoreHealth;
  problems: Problem[];
  /** Free bytes on DATA_DIR's file system. */
  diskFreeBytes?: number;
}

/** What to do about each file a check found damaged while the server runs (a command: failureMessage). */
const MENDING_WHILE_SERVING: Record<string, string> = {
  'events.db': 'restore DATA_DIR from a backup (README, Backup and restore)',
  'read-models.db': 'restart the server, which sets it aside and rebuilds the read models',
  'idempotency.db': 'stop the server, move it aside and start again (its keys are lost)',
};

/**
 * What readiness and `/metrics` tell of the environment: whether the event store and the read
 * store can commit, whether the projections move (the worker's heartbeat), the free disk space,
 * the last integrity check of each database file, and whether each is still the file opened.
 */
@Injectable()
export class FaultMonitor implements OnApplicationShutdown {
  readonly integrity: IntegrityChecks;
  private readonly logger = new Logger('Integrity');
  /** The read store's and idempotency keys' files (the event store checks its own). */
  private readonly openFiles: FileIdentity[];
  private readonly reportedLost = new Set<string>();
  private readonly stopListening: () => void;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(PROJECTOR) private readonly engine: Projector,
    @Inject(SETTINGS) private readonly settings: Settings,
    keys: IdempotencyKeys,
  ) {
    const files = [readStore.file, keys.file.path];
    this.openFiles = [...(readStore.opened ? [readStore.opened] : []), keys.file];
    if (!settings.EVENTSTORE_URL) files.unshift(eventsFile(settings));
    this.integrity = new IntegrityChecks(
      files,
      (error) => this.logger.warn(`integrity check not run: ${error.message}`),
      ({ damaged, mended }) => {
        for (const { file, path, detail } of damaged) {
          this.logger.error(
            `${path} failed its integrity check (${detail}): ${MENDING_WHILE_SERVING[file]}`,
          );
        }
        for (const path of mended) this.logger.log(`${path} passes its integrity check again`);
      },
    );
    // A query, a follow-up or an append that met a damaged page: check the files now.
    this.stopListening = onDamagedPage(() => this.integrity.soon());
  }

  /** Checks the files at start (settled once checked), then every INTEGRITY_CHECK_INTERVAL_MS. */
  startIntegrityChecks(): Promise<unknown> {
    return this.integrity.start(this.settings.INTEGRITY_CHECK_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    this.stopListening();
    this.integrity.stop();
  }

  async report(): Promise<FaultReport> {
    const eventStore = await this.store.health();
    const problems: Problem[] = [];
    if (eventStore.status !== 'UP') {
      problems.push({
        check: 'event_store',
        cause: eventStore.cause ?? 'DOWN',
        detail: eventStore.detail ?? 'the event store does not answer',
      });
    }
    const readFault = this.readStore.faults.current;
    if (readFault) {
      problems.push({ check: 'read_store', cause: readFault.cause, detail: readFault.detail });
    }
    problems.push(...this.lostFiles());
    const projectorFault = this.engine.fault();
    if (projectorFault) problems.push({ check: 'projections', ...projectorFault });
    const diskFreeBytes = this.diskFreeBytes();
    if (diskFreeBytes !== undefined && diskFreeBytes < this.settings.DISK_FREE_MIN_BYTES) {
      problems.push({
        check: 'disk',
        cause: 'DISK_FULL',
        detail: `${diskFreeBytes} bytes free where DATA_DIR is, under DISK_FREE_MIN_BYTES (${this.settings.DISK_FREE_MIN_BYTES})`,
      });
    }
    // While a file is (or looks) damaged, each probe checks again (at most once a second): a
    // restored file is seen at once.
    if (
      this.integrity.current.length > 0 ||
      problems.some((problem) => problem.cause === 'CORRUPT')
    )
      this.integrity.soon();
    for (const failure of this.integrity.current) {
      problems.push({
        check: 'integrity',
        cause: 'CORRUPT',
        detail: `${failure.file}: ${failure.detail}`,
      });
    }
    return { eventStore, problems, diskFreeBytes };
  }

  /**
   * Files deleted or replaced under the server: it goes on writing where no restart finds it (the
   * read models are rebuilt from the events then; idempotency keys are lost). Logged once.
   */
  private lostFiles(): Problem[] {
    return this.openFiles.flatMap((file) => {
      const lost = file.lost();
      if (!lost) return [];
      if (!this.reportedLost.has(file.path)) {
        this.reportedLost.add(file.path);
        this.logger.error(`${lost}: restart the server to open it again`);
      }
      return [{ check: 'files' as const, cause: 'FILE_LOST', detail: lost }];
    });
  }

  private diskFreeBytes(): number | undefined {
    try {
      const stats = statfsSync(this.settings.DATA_DIR);
      return stats.bavail * stats.bsize;
    } catch {
      return undefined;
    }
  }
}
