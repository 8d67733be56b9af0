import type { EventStore, ReadAllOptions } from '../../src/platform/event-store/event-store';

/**
 * An event store whose reads wait for a permit: a test lets an engine read `pass(n)` pages, then
 * looks at the read store while the engine waits in the middle of its work. With `gates`, only the
 * reads it picks wait (a build's pages, say), the others pass.
 */
export function gatedStore(
  store: EventStore,
  gates: (options: ReadAllOptions) => boolean = () => true,
): {
  store: EventStore;
  pass: (reads: number) => void;
  open: () => void;
  /** Resolves once the engine waits for a permit (every permit given so far was used). */
  waiting: () => Promise<void>;
} {
  let permits = 0;
  let opened = false;
  const blocked: (() => void)[] = [];
  let onBlocked: (() => void) | undefined;
  const gated: EventStore = Object.create(store) as EventStore;
  gated.readAll = async (options) => {
    if (!opened && gates(options)) {
      if (permits === 0) {
        await new Promise<void>((resolve) => {
          blocked.push(resolve);
          onBlocked?.();
        });
      } else permits -= 1;
    }
    return store.readAll(options);
  };
  const release = () => {
    while (blocked.length > 0 && (opened || permits > 0)) {
      if (!opened) permits -= 1;
      blocked.shift()!();
    }
  };
  return {
    store: gated,
    pass: (reads) => {
      permits += reads;
      release();
    },
    open: () => {
      opened = true;
      release();
    },
    waiting: () =>
      blocked.length > 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            onBlocked = () => {
              onBlocked = undefined;
              resolve();
            };
          }),
  };
}
