import { hasSummary } from '../../projections/audit/audit-summaries';
import { GDAP_EVENTS, PARTNER_ACCESS_EVENTS } from '../../src/gdap/domain/events';

describe('the audit log and GDAP', () => {
  it.each(Object.keys({ ...GDAP_EVENTS, ...PARTNER_ACCESS_EVENTS }))(
    'R41: %s has its own one-line summary',
    (type) => {
      expect(hasSummary(type)).toBe(true);
    },
  );
});
