import { encodeFlatPairSummary, type PairSummaryEncoder } from '../gdap-pair-summary';

/*
 * The pair summary's text as gdap-relationships version 5 writes it (gdap-pair-summary.ts reads
 * it): version 6's flat array without the customer's display name and the assignments' change
 * times. Version 6 keeps version 5 up with it while it builds, so an instance still running
 * version 5 on the same file reads what it wrote. Delete with `previous` once version 6 is live
 * everywhere.
 */
export const encodePairSummaryV5: PairSummaryEncoder = (views) => encodeFlatPairSummary(views, 5);
