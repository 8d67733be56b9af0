import { BoundedMap } from '../common/bounded-map';

/** A stream's state as its decider folded it, up to `revision`. */
export interface CachedStream<State> {
  decider: object;
  state: State;
  revision: number;
  lastPosition: number;
  /** When the stream's last event occurred, as recorded (ISO 8601), where it could be read. */
  lastOccurredAt?: string;
}

const CAPACITY = 10_000;

/**
 * The last folded state of the most recently used streams, so a command reads only the events
 * appended since, not a hot stream's whole history. Safe because streams are append-only and
 * deciders' states immutable: the state at revision r plus the events after r is the state now,
 * whoever appended them (another process too). Least recently used streams are forgotten first.
 */
export class StreamStateCache {
  private readonly streams = new BoundedMap<string, CachedStream<unknown>>(CAPACITY);

  get<State>(streamId: string, decider: object): CachedStream<State> | undefined {
    const cached = this.streams.get(streamId);
    if (!cached || cached.decider !== decider) return undefined;
    this.streams.set(streamId, cached);
    return cached as CachedStream<State>;
  }

  set<State>(streamId: string, entry: CachedStream<State>): void {
    this.streams.set(streamId, entry);
  }
}
