import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { statfsSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS, type Settings } from '../config/settings';
import { EVENT_STORE, type EventStore, type EventStoreHealth } from '../event-store/event-store';
import { PROJECTOR, type Projector } from '../projection-engine/projector';
import { READ_STORE, type ReadStore } from '../read-store/read-store';
import { IntegrityChecks } from './integrity-checks';
import { eventsFile } from '../event-store/event-store.factory';

export type FaultCheck = 'event_store' | 'read_store' | 'projections' | 'disk' | 'integrity';

/** One reason the server cannot do its work now (readiness is false while any is present). */
export interface Problem {
  check: FaultCheck;
  /** `DISK_FULL`, `LOCKED`, `IO_ERROR`, `CORRUPT`, `STALLED`, `STOPPED`, `DOWN`. */
  cause: string;
  detail: string;
}

export interface FaultReport {
  eventStore: EventStoreHealth;
  problems: Problem[];
  /** Free bytes on DATA_DIR's file system. */
  diskFreeBytes?: number;
}

/**
 * What readiness and `/metrics` tell of the environment: whether the event store and the read
 * store can commit, whether the projections move (the worker's heartbeat), the free disk space,
 * and the last integrity check of each database file.
 */
@Injectable()
export class FaultMonitor implements OnApplicationShutdown {
  readonly integrity: IntegrityChecks;
  private readonly logger = new Logger('Integrity');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(PROJECTOR) private readonly engine: Projector,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {
    const files = [readStore.file, join(settings.DATA_DIR, 'idempotency.db')];
    if (!settings.EVENTSTORE_URL) files.unshift(eventsFile(settings));
    this.integrity = new IntegrityChecks(files, (error) =>
      this.logger.warn(`integrity check not run: ${error.message}`),
    );
  }

  /** Checks the files at start (settled once checked), then every INTEGRITY_CHECK_INTERVAL_MS. */
  startIntegrityChecks(): Promise<unknown> {
    return this.integrity.start(this.settings.INTEGRITY_CHECK_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
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

  private diskFreeBytes(): number | undefined {
    try {
      const stats = statfsSync(this.settings.DATA_DIR);
      return stats.bavail * stats.bsize;
    } catch {
      return undefined;
    }
  }
}
