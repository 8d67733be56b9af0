import { join } from 'node:path';
import { ReadStore } from '../../src/platform/read-store/read-store';

/** The read stores a spec opens in its scratch directory, closed together when it is done. */
export function scratchReadStores(dir: () => string) {
  const opened: ReadStore[] = [];
  return {
    open: (name: string): ReadStore => {
      const created = new ReadStore(join(dir(), name));
      opened.push(created);
      return created;
    },
    closeAll: (): void => opened.splice(0).forEach((created) => created.close()),
  };
}
