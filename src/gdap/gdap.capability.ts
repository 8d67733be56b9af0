import { gdapRelationshipsHistoryProjection } from '../../projections/gdap/gdap-relationships-history.projection';
import { gdapRelationshipsProjection } from '../../projections/gdap/gdap-relationships.projection';
import type { Capability } from '../platform/capability';
import { gdapDecider } from './domain/gdap.decider';
import { partnerAccessRevocationDecider } from './domain/partner-access-revocation.decider';

/**
 * R60–R70: GDAP relationships and access assignments, one stream per partner (`gdap-<p>`), and a
 * customer's requests to end a partner's access (`partneraccess-<p>_<c>`).
 */
export const gdapCapability: Capability = {
  name: 'gdap',
  streams: { gdap: gdapDecider, partneraccess: partnerAccessRevocationDecider },
  projections: [gdapRelationshipsProjection, gdapRelationshipsHistoryProjection],
};
