import { partnerSubscriptionsProjection } from '../../projections/azure-subscriptions/partner-subscriptions.projection';
import { subscriptionsProjection } from '../../projections/azure-subscriptions/subscriptions.projection';
import type { Capability } from '../platform/capability';
import { subscriptionRbacDecider } from './domain/subscription-rbac.decider';

/** R20–R25: Azure subscriptions and their role assignments. */
export const azureSubscriptionsCapability: Capability = {
  name: 'azure-subscriptions',
  streams: { subscription: subscriptionRbacDecider },
  projections: [subscriptionsProjection, partnerSubscriptionsProjection],
};
