import { Worker } from 'node:worker_threads';
import { workerFile } from '../common/worker-file';
import type { Settings } from '../config/settings';
import type { EventStore, RecordedEvent } from '../event-store/event-store';
import type { ReadStore } from '../read-store/read-store';
import { Checkpoints } from './checkpoints';
import type { Projection, ProjectionStatus } from './projection';
import {
  LONG_STEP_GRACE_MS,
  type ToThread,
  type ToWorker,
  type WorkerInput,
} from './projection-thread.messages';
import type { Fault } from '../faults/fault-state';
import type { PreviousVersion, Projector, ProjectorFault, RebuildOptions } from './projector';
import { VisiblePosition } from './visible-position';

const WORKER = workerFile(__filename, 'projection-worker');
const RESTART_DELAY_MS = 1000;
/** A worker that has not closed its stores by then is terminated (its last batch is committed or not, never half). */
const STOP_TIMEOUT_MS = 10_000;

export interface ProjectionThreadOptions {
  /** Told of failed reads (retried) and of a worker that died (restarted). */
  onError?: (error: Error) => void;
  /** Told each time the worker's EventStoreDB client retries a call (for the metrics). */
  onStoreReconnect?: () => void;
}

interface PendingRebuild {
  resolve: (result: { events: number; seconds: number }) => void;
  reject: (error: Error) => void;
}

/**
 * Runs the ProjectionEngine in a worker thread with its own store connections, so projecting
 * never holds up a request: this thread appends, the worker applies, and read-your-writes waits
 * for the position the worker reports after each commit. Queries read the same read-store file
 * here (WAL: a commit is visible to every connection).
 */
export class ProjectionThread implements Projector {
  private readonly checkpoints: Checkpoints;
  private readonly visible = new VisiblePosition();
  private readonly appliedListeners = new Set<(events: readonly RecordedEvent[]) => void>();
  private readonly rebuilds = new Map<number, PendingRebuild>();
  private nextRebuildId = 0;
  private worker?: Worker;
  /** Settles when the current worker has caught up after `start`, or died before. */
  private started!: Promise<void>;
  private stopping = false;
  private unsubscribe?: () => void;
  /** Whether a worker has caught up and runs (until it exits). */
  private running = false;
  /** Why no worker runs, from its end until its successor has caught up. */
  private down?: ProjectorFault;
  private lastHeard = Date.now();
  /** Until when the worker may stay silent, in a long step it announced (0: none since it spoke). */
  private quietUntil = 0;
  private workerFault?: Fault;
  private watchdog?: NodeJS.Timeout;

  constructor(
    private readonly store: EventStore,
    readStore: ReadStore,
    readonly projections: readonly Projection[],
    /** The module exporting these `PROJECTIONS`, for the worker to load. */
    private readonly projectionsModule: string,
    private readonly settings: Settings,
    private readonly options: ProjectionThreadOptions = {},
  ) {
    this.checkpoints = new Checkpoints(readStore, { projections });
    // Loading the worker's modules takes a while: it overlaps with the rest of the server's start.
    this.spawn();
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.unsubscribe?.();
    this.unsubscribe = this.store.onAppended(() => this.send({ type: 'kick' }));
    this.watch();
    await this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    clearInterval(this.watchdog);
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    this.send({ type: 'stop' });
    const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  visiblePosition(): number {
    return this.visible.current;
  }

  waitFor(position: number, timeoutMs: number, readModels?: readonly string[]): Promise<void> {
    return this.visible.waitFor(position, timeoutMs, readModels);
  }

  notServing(names: readonly string[]): string[] {
    return this.checkpoints.notServing(names);
  }

  whenServing(names: readonly string[], timeoutMs = 10_000): Promise<PreviousVersion[]> {
    // A rebuild left half-done by another process (a killed CLI) resumes when the worker is nudged.
    return this.checkpoints.untilServing(names, timeoutMs, () => {
      this.send({ type: 'kick' });
      return Promise.resolve();
    });
  }

  onApplied(listener: (events: readonly RecordedEvent[]) => void): () => void {
    this.appliedListeners.add(listener);
    if (this.appliedListeners.size === 1) this.send({ type: 'events', wanted: true });
    return () => {
      this.appliedListeners.delete(listener);
      if (this.appliedListeners.size === 0) this.send({ type: 'events', wanted: false });
    };
  }

  rebuild(
    names: readonly string[] = [],
    options: RebuildOptions = {},
  ): Promise<{ events: number; seconds: number }> {
    const id = this.nextRebuildId++;
    return new Promise((resolve, reject) => {
      this.rebuilds.set(id, { resolve, reject });
      this.send({ type: 'rebuild', id, names, inPlace: options.inPlace === true });
    });
  }

  async status(): Promise<ProjectionStatus[]> {
    return this.checkpoints.statuses(this.projections, await this.store.headPosition());
  }

  fault(): ProjectorFault | undefined {
    if (this.stopping) return undefined;
    if (this.down) return this.down;
    const silentMs = this.silentMs();
    if (this.running && silentMs > this.settings.WORKER_HEARTBEAT_TIMEOUT_MS) {
      return {
        cause: 'STALLED',
        detail: `the projection worker sent no heartbeat for ${silentMs} ms`,
      };
    }
    return this.workerFault && { cause: this.workerFault.cause, detail: this.workerFault.detail };
  }

  /** How long the worker has said nothing, a long step it announced aside (negative: within it). */
  private silentMs(): number {
    return Date.now() - Math.max(this.lastHeard, this.quietUntil);
  }

  /**
   * A worker that stops sending heartbeats (stuck in a loop or a call) is terminated, and
   * restarted like one that died: the read models move again without restarting the server. One
   * that announced a long step (a query index build: long-steps.ts) is given LONG_STEP_GRACE_MS.
   */
  private watch(): void {
    clearInterval(this.watchdog);
    const timeout = this.settings.WORKER_HEARTBEAT_TIMEOUT_MS;
    this.watchdog = setInterval(
      () => {
        const worker = this.worker;
        if (!this.running || !worker || this.silentMs() <= timeout) return;
        const detail = `the projection worker sent no heartbeat for ${timeout} ms; restarting it`;
        this.options.onError?.(new Error(detail));
        this.running = false;
        this.down = { cause: 'STALLED', detail };
        void worker.terminate();
      },
      Math.max(50, Math.floor(timeout / 4)),
    );
    this.watchdog.unref();
  }

  /**
   * Loads a worker that waits for `start`; it does not keep the process alive until then. Its
   * stores open at once, its engine only when told to run.
   */
  private spawn(): Worker {
    const input: WorkerInput = {
      settings: this.settings,
      projectionsModule: this.projectionsModule,
      wantEvents: this.appliedListeners.size > 0,
    };
    const worker = new Worker(WORKER.file, { workerData: input, execArgv: WORKER.execArgv });
    worker.unref();
    this.worker = worker;
    this.started = new Promise((resolve, reject) => {
      let started = false;
      worker.on('message', (message: ToThread) => {
        this.lastHeard = Date.now();
        this.quietUntil = message.type === 'busy' ? this.lastHeard + LONG_STEP_GRACE_MS : 0;
        if (message.type === 'started') {
          started = true;
          this.running = true;
          this.down = undefined;
          this.workerFault = undefined;
          resolve();
        } else this.receive(message);
      });
      worker.on('error', (error: Error) => {
        if (!started) reject(error);
        else this.options.onError?.(error);
      });
      worker.on('exit', (code) => {
        if (this.worker === worker) {
          this.worker = undefined;
          this.running = false;
          this.down ??= {
            cause: 'STOPPED',
            detail: `the projection worker exited (code ${code}); it is being restarted`,
          };
        }
        if (!started)
          reject(new Error(`the projection worker exited (code ${code}) before it started`));
        else if (!this.stopping) this.restartLater(code);
        this.failRebuilds('the projection worker stopped before the rebuild finished');
      });
    });
    // Awaited by run(); a worker that fails before anyone runs it must not be an unhandled rejection.
    this.started.catch(() => undefined);
    return worker;
  }

  /** Runs the engine in the worker; resolves once it has caught the read models up with the store. */
  private run(): Promise<void> {
    const worker = this.worker ?? this.spawn();
    worker.ref();
    this.send({ type: 'start' });
    return this.started;
  }

  private restartLater(code: number): void {
    this.options.onError?.(new Error(`the projection worker exited (code ${code}); restarting`));
    setTimeout(() => {
      if (this.stopping) return;
      this.run().catch((error: Error) => this.options.onError?.(error));
    }, RESTART_DELAY_MS).unref();
  }

  private receive(message: ToThread): void {
    switch (message.type) {
      case 'visible':
        if (message.events.length > 0) {
          this.appliedListeners.forEach((listener) => listener(message.events));
        }
        this.visible.publish(message.position, message.positions);
        return;
      case 'rebuilt':
        this.rebuilds.get(message.id)?.resolve(message);
        this.rebuilds.delete(message.id);
        return;
      case 'rebuild-failed': {
        const error = new Error(message.message);
        error.name = message.name;
        this.rebuilds.get(message.id)?.reject(error);
        this.rebuilds.delete(message.id);
        return;
      }
      case 'error':
        this.options.onError?.(new Error(message.message));
        return;
      case 'store-reconnect':
        this.options.onStoreReconnect?.();
        return;
      case 'fault':
        this.workerFault = message.fault;
        return;
      case 'heartbeat':
      case 'busy':
        return;
    }
  }

  /** The rebuilds under way end unfinished (RebuildInterruptedError): their builds resume later. */
  private failRebuilds(reason: string): void {
    this.rebuilds.forEach((rebuild) => {
      const error = new Error(reason);
      error.name = 'RebuildInterruptedError';
      rebuild.reject(error);
    });
    this.rebuilds.clear();
  }

  private send(message: ToWorker): void {
    this.worker?.postMessage(message);
  }
}
