import { auditProjection } from '../../projections/audit/audit.projection';
import type { Capability } from '../platform/capability';

/** R41–R43: the audit log, history and its seals. */
export const auditCapability: Capability = {
  name: 'audit',
  projections: [auditProjection],
};
