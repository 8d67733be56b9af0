import type { PairSummaryEncoder } from '../gdap-pair-summary';
import { storedRoles } from '../gdap-pair-summary-roles';
import { pairSummaryEncoder } from '../gdap-pair-summary-tuples';

/*
 * The pair summary's text as gdap-relationships version 4 writes it (gdap-pair-summary.ts reads
 * it): a tuple per relationship, role lists as catalogue codes, moments as epoch ms. Version 5
 * keeps version 4 up with it while it builds, so an instance still running version 4 on the same
 * file reads what it wrote. Delete with `previous` once version 5 is live everywhere.
 */
export const encodePairSummaryV4: PairSummaryEncoder = pairSummaryEncoder(storedRoles, true);
