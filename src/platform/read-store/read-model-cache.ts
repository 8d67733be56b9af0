import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { SETTINGS, type Settings } from '../config/settings';
import { READ_STORE, type ReadStore } from './read-store';

const frozenLengths = new WeakMap<object, number>();

/**
 * The length of `value` as JSON, for a cached value's `bytes`: remembered per object once it is
 * frozen (deeply, as the pair-summary reader freezes what it keeps), since it cannot change then.
 * A Customers page shares its GDAP summaries with the reader: 50 of them are about 146,000
 * characters, which took 0.5 ms to write out at every page the cache missed.
 */
export function jsonLengthOf(value: object): number {
  const remembered = frozenLengths.get(value);
  if (remembered !== undefined) return remembered;
  const length = JSON.stringify(value).length;
  if (Object.isFrozen(value)) frozenLengths.set(value, length);
  return length;
}

interface Entry {
  generation: string;
  value: unknown;
  bytes: number;
}

/**
 * What queries read from the read models, kept until one of those read models moves. An entry is
 * served only while its generation (each named read model's name, version and checkpoint position,
 * committed with its rows) is the current one, so any applied event, rebuild or new version of one
 * of them makes it stale; nothing is kept while one is not LIVE. The generation is read before the
 * rows, and checkpoints only move forward, so a kept value is never older than its generation.
 * Only SQL work is saved: GraphQL parses, validates, authorises and maps every request as usual.
 * Bounded by GRAPHQL_RESPONSE_CACHE_BYTES (one value at most a tenth of it); off with
 * GRAPHQL_RESPONSE_CACHE=off.
 */
@Injectable()
export class ReadModelCache {
  private readonly entries?: LRUCache<string, Entry>;

  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(SETTINGS) settings: Settings,
  ) {
    if (settings.GRAPHQL_RESPONSE_CACHE === 'off') return;
    const maxBytes = settings.GRAPHQL_RESPONSE_CACHE_BYTES;
    this.entries = new LRUCache({
      maxSize: maxBytes,
      // A value larger than a tenth of the cache is not kept: it would push out many others.
      maxEntrySize: Math.max(1, Math.floor(maxBytes / 10)),
      sizeCalculation: (entry) => entry.bytes,
    });
  }

  /**
   * `read()`'s value for `key` (which must name everything the value depends on besides the read
   * models: the caller's visible scope and the arguments), read again once one of `readModels`
   * moved. `bytes` estimates a value's size for the bound.
   */
  read<Value>(
    readModels: readonly string[],
    key: string,
    read: () => Value,
    bytes: (value: Value) => number,
  ): Value {
    if (!this.entries) return read();
    const generation = this.generationOf(readModels);
    if (generation === undefined) return read();
    const entryKey = `${readModels.join(',')}\u0000${key}`;
    const kept = this.entries.get(entryKey);
    if (kept?.generation === generation) return kept.value as Value;
    const value = read();
    this.entries.set(entryKey, { generation, value, bytes: bytes(value) + entryKey.length });
    return value;
  }

  /** The read models' checkpoints, or undefined while one of them is not LIVE (or unknown). */
  private generationOf(readModels: readonly string[]): string | undefined {
    const rows = this.readStore.all<{
      name: string;
      version: number;
      position: number;
      state: string;
    }>(
      `SELECT name, version, position, state FROM projection_checkpoints
       WHERE name IN (SELECT value FROM json_each(?)) ORDER BY name`,
      [JSON.stringify(readModels)],
    );
    if (rows.length !== new Set(readModels).size) return undefined;
    if (rows.some((row) => row.state !== 'LIVE')) return undefined;
    return rows.map((row) => `${row.name}@${row.version}:${row.position}`).join(',');
  }
}
