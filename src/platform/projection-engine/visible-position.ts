export class ReadYourWritesTimeoutError extends Error {
  constructor(
    readonly position: number,
    timeoutMs: number,
  ) {
    super(
      `The read models did not reach position ${position} within ${timeoutMs} ms; the change is saved and will appear shortly.`,
    );
  }
}

interface Waiter {
  position: number;
  readModels?: readonly string[];
  resolve: () => void;
}

/** Each working read model's position, as the engine last committed it. */
export type ReadModelPositions = Readonly<Record<string, number>>;

type MovedListener = (position: number, positions: ReadModelPositions) => void;

/**
 * The position every working read model has applied, each one's own, and who waits for them
 * (read-your-writes) or listens for them to move.
 */
export class VisiblePosition {
  private position = 0;
  private positions: ReadModelPositions = {};
  private waiters: Waiter[] = [];
  private readonly listeners = new Set<MovedListener>();

  get current(): number {
    return this.position;
  }

  /** Calls `listener` whenever the position or a read model's own moves. */
  onMoved(listener: MovedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Moves to `position` (every working read model's) and each read model's own; a rebuild moves
   * them back. Resolves every waiter now satisfied, and tells the listeners if anything moved.
   */
  publish(position: number, positions: ReadModelPositions = {}): void {
    const moved = this.listeners.size > 0 && this.moves(position, positions);
    this.position = position;
    this.positions = positions;
    const ready = this.waiters.filter((waiter) => this.reached(waiter.position, waiter.readModels));
    if (ready.length > 0) {
      this.waiters = this.waiters.filter((waiter) => !ready.includes(waiter));
      ready.forEach((waiter) => waiter.resolve());
    }
    if (moved) this.listeners.forEach((listener) => listener(position, positions));
  }

  /** Whether publishing `position` and `positions` changes what was last published. */
  private moves(position: number, positions: ReadModelPositions): boolean {
    if (position !== this.position) return true;
    const names = new Set([...Object.keys(positions), ...Object.keys(this.positions)]);
    return [...names].some((name) => positions[name] !== this.positions[name]);
  }

  /** Whether `readModels` (every working one when not named) have applied `position`. */
  reached(position: number, readModels?: readonly string[]): boolean {
    if (this.position >= position) return true;
    return (
      readModels !== undefined &&
      readModels.every((name) => (this.positions[name] ?? 0) >= position)
    );
  }

  /**
   * Resolves once `readModels` (every working read model when not named) have applied `position`;
   * rejects with ReadYourWritesTimeoutError after `timeoutMs`.
   */
  waitFor(position: number, timeoutMs: number, readModels?: readonly string[]): Promise<void> {
    if (this.reached(position, readModels)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        position,
        readModels,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        reject(new ReadYourWritesTimeoutError(position, timeoutMs));
      }, timeoutMs);
      // A request waiting here must not keep a process that is shutting down alive.
      timer.unref();
      this.waiters.push(waiter);
    });
  }
}
