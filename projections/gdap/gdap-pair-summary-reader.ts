import { decodePairSummary, type GdapPairSummary } from './gdap-pair-summary';

/** Turns a pair's stored summary text (gdap_pair_summaries.relationships) into its summary. */
export type PairSummaryDecoder = (
  partnerTenantId: string,
  customerTenantId: string,
  text: string,
) => GdapPairSummary;

/** How many pairs a reader keeps decoded (a summary of one relationship is about 2 KB). */
export const PAIR_SUMMARIES_KEPT = 10_000;

interface Decoded {
  text: string;
  summary: GdapPairSummary;
}

/** Freezes `value` and everything it holds that is not frozen yet (shared role lists are). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const held of Object.values(value)) deepFreeze(held);
  }
  return value;
}

/**
 * The pair summaries the Customers page reads from one read store, decoded (decodePairSummary)
 * and kept per (partner, customer) with the text they came from: a row whose text is the same
 * string reuses the kept summary, any other text is decoded and replaces it. The stored text is
 * the truth, so nothing kept can be stale, and whichever version wrote it (version 4 while 5
 * builds, 5 after the switch) is decoded as its own form: texts of two forms never compare equal.
 * Each read store's queries own their reader (CustomersQueries), so stores never share one.
 * Kept summaries are served to every page that reads the same text, so they are frozen.
 *
 * At most `capacity` pairs are kept: past it, the oldest kept pair of the partner kept longest
 * goes first. Kept by partner, then customer: two lookups of the row's own strings cost less
 * than building one key per row (a page reads 50).
 */
export class PairSummaryReader {
  private readonly byPartner = new Map<string, Map<string, Decoded>>();
  private kept = 0;

  constructor(private readonly capacity: number = PAIR_SUMMARIES_KEPT) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`A pair-summary reader keeps at least one pair, not ${capacity}.`);
    }
  }

  /** How many pairs are kept decoded. */
  get size(): number {
    return this.kept;
  }

  readonly decode: PairSummaryDecoder = (partnerTenantId, customerTenantId, text) => {
    let customers = this.byPartner.get(partnerTenantId);
    const decoded = customers?.get(customerTenantId);
    if (decoded?.text === text) return decoded.summary;
    const summary = deepFreeze(decodePairSummary(partnerTenantId, customerTenantId, text));
    if (decoded) {
      customers!.delete(customerTenantId);
    } else {
      if (this.kept >= this.capacity) this.evictOldest();
      this.kept++;
      customers = this.byPartner.get(partnerTenantId);
    }
    if (!customers) this.byPartner.set(partnerTenantId, (customers = new Map<string, Decoded>()));
    customers.set(customerTenantId, { text, summary });
    return summary;
  };

  private evictOldest(): void {
    const [partnerTenantId, customers] = this.byPartner.entries().next().value!;
    customers.delete(customers.keys().next().value!);
    if (customers.size === 0) this.byPartner.delete(partnerTenantId);
    this.kept--;
  }
}
