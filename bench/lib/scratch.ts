import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs `work` in a fresh temporary directory, removed afterwards whatever happens. */
export async function inScratchDir<T>(work: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'partner-ledger-bench-'));
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs product and limit alternately, so drift on a busy machine hits both alike; with `warmUp`,
 * one unrecorded round first (JIT, page cache).
 */
export async function alternate<T>(
  runs: number,
  product: () => Promise<T>,
  limit: () => Promise<T>,
  warmUp = false,
): Promise<{ product: T[]; limit: T[] }> {
  const results = { product: [] as T[], limit: [] as T[] };
  if (warmUp) {
    await product();
    await limit();
  }
  for (let run = 0; run < runs; run++) {
    results.product.push(await product());
    results.limit.push(await limit());
  }
  return results;
}
