import type {
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
} from '../../src/platform/event-store/event-store';

/** A real store, with a hook that lets another writer in just before one append. */
export class InterleavingStore implements EventStore {
  beforeAppend: ((streamId: string) => Promise<void>) | null = null;
  constructor(private readonly inner: EventStore) {}
  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision) {
    const hook = this.beforeAppend;
    if (hook) await hook(streamId);
    return this.inner.append(streamId, events, expected);
  }
  readStream(streamId: string, options?: ReadStreamOptions) {
    return this.inner.readStream(streamId, options);
  }
  readAll(options: ReadAllOptions) {
    return this.inner.readAll(options);
  }
  headPosition() {
    return this.inner.headPosition();
  }
  onAppended(listener: () => void) {
    return this.inner.onAppended(listener);
  }
  health() {
    return this.inner.health();
  }
  close() {
    return this.inner.close();
  }
}
