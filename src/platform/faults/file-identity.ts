import { statSync } from 'node:fs';

/**
 * Which file a path named when a store opened it (device and inode). SQLite keeps writing to a
 * file that was deleted or replaced under it, where no restart will find what it wrote: a store
 * asks `lost()` before it commits, and the probes ask it too.
 */
export class FileIdentity {
  private opened: string | undefined;

  constructor(readonly path: string) {
    this.opened = identityOf(path);
  }

  /** Why the path no longer names the file opened, or undefined while it does. */
  lost(): string | undefined {
    const now = identityOf(this.path);
    // A file created after the store was made (opened lazily) is known from its first sight.
    this.opened ??= now;
    if (this.opened === undefined || now === this.opened) return undefined;
    return now === undefined
      ? `${this.path} was deleted while the server had it open`
      : `${this.path} was replaced by another file while the server had it open`;
  }
}

function identityOf(path: string): string | undefined {
  try {
    const stats = statSync(path);
    return `${stats.dev}:${stats.ino}`;
  } catch {
    return undefined;
  }
}
