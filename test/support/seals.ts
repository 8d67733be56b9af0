import { randomBytes } from 'node:crypto';
import { AuditSealer, type AuditSealerOptions } from '../../src/audit/audit-sealer';
import { type SealData, SEAL_STREAM } from '../../src/audit/seal';
import { systemClock } from '../../src/platform/config/clock';
import type { EventStore } from '../../src/platform/event-store/event-store';

export const newSealKey = (): string => randomBytes(32).toString('hex');

/** What a sealer logged, by level. */
export interface SealerLog {
  debug: string[];
  warn: string[];
  error: string[];
}

/** A sealer that never seals by time unless told (an interval of a day), logging into `log`. */
export function sealerOn(
  store: EventStore,
  key: string,
  options: Partial<AuditSealerOptions> = {},
): { sealer: AuditSealer; log: SealerLog } {
  const log: SealerLog = { debug: [], warn: [], error: [] };
  const sealer = new AuditSealer(store, {
    key,
    everyEvents: 10,
    intervalMs: 86_400_000,
    clock: systemClock,
    logger: {
      debug: (message) => log.debug.push(message),
      warn: (message) => log.warn.push(message),
      error: (message) => log.error.push(message),
    },
    ...options,
  });
  return { sealer, log };
}

/** The seal events' data, in chain order. */
export async function sealsIn(store: EventStore): Promise<(SealData & { position: number })[]> {
  const events = await store.readStream(SEAL_STREAM);
  return events.map((event) => ({ ...(event.data as SealData), position: event.position }));
}
