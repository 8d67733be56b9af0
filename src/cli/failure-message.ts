import { faultCauseOf, StoreUnavailableError } from '../platform/faults/store-unavailable';

/** The error a command failed with, or what caused it (a step it gave up on), whichever is a fault. */
function faultOf(error: unknown): { cause: string; detail?: string } | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const cause = faultCauseOf(current);
    if (cause) {
      const detail = current instanceof StoreUnavailableError ? current.detail : current.message;
      return { cause, detail };
    }
  }
  return undefined;
}

/**
 * What a failed command prints: its error, except that a damaged database file says what mends it,
 * where the store's own message (written for a GraphQL client's write) says "try again later".
 */
export function failureMessage(error: unknown): string {
  const fault = faultOf(error);
  if (fault?.cause === 'CORRUPT') {
    return `a database file in DATA_DIR is damaged${fault.detail ? ` (${fault.detail})` : ''}; no retry mends it. If it is events.db, restore DATA_DIR from a backup (README: Backup and restore); if it is read-models.db, move it aside: the read models are rebuilt from the events`;
  }
  return error instanceof Error ? error.message : String(error);
}
