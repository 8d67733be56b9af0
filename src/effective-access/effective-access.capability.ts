import type { Capability } from '../platform/capability';

/** R40: what a partner, and each of its users, may do in a customer's tenant now, and why. */
export const effectiveAccessCapability: Capability = {
  name: 'effective-access',
};
