import { gdapRelationshipsProjection } from '../../projections/gdap/gdap-relationships.projection';
import type { Capability } from '../platform/capability';
import { gdapDecider } from './domain/gdap.decider';

/** R60–R70: GDAP relationships and access assignments, one stream per partner (`gdap-<p>`). */
export const gdapCapability: Capability = {
  name: 'gdap',
  streams: { gdap: gdapDecider },
  projections: [gdapRelationshipsProjection],
};
