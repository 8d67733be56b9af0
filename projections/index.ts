import type { Projection } from '../src/projection-engine/projection';
import { auditProjection } from './audit.projection';
import { customersProjection } from './customers.projection';
import { invitationsProjection } from './invitations.projection';

/** Every read model the engine maintains. */
export const allProjections: readonly Projection[] = [
  invitationsProjection,
  customersProjection,
  auditProjection,
];
