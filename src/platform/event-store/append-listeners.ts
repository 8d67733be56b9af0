/** Who hears of appends (`EventStore.onAppended`), for the stores to tell after each append. */
export class AppendListeners {
  private readonly listeners = new Set<() => void>();

  /** Adds `listener`; the function returned removes it and says how many are left. */
  add(listener: () => void): () => number {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      return this.listeners.size;
    };
  }

  clear(): void {
    this.listeners.clear();
  }

  /**
   * Calls each listener in a microtask of its own, after the append and outside it, so that a
   * throwing one fails neither the append nor the others. A listener removed before its turn is
   * not called: whoever removed it may have closed what it reads.
   */
  notify(): void {
    for (const listener of this.listeners) {
      queueMicrotask(() => {
        if (!this.listeners.has(listener)) return;
        try {
          listener();
        } catch (error) {
          process.emitWarning(`onAppended listener threw: ${String(error)}`);
        }
      });
    }
  }
}
