import { auditCapability } from './audit/audit.capability';
import { autopilotCapability } from './autopilot/autopilot.capability';
import { azureSubscriptionsCapability } from './azure-subscriptions/azure-subscriptions.capability';
import { delegatedAdminCapability } from './delegated-admin/delegated-admin.capability';
import { effectiveAccessCapability } from './effective-access/effective-access.capability';
import { gdapCapability } from './gdap/gdap.capability';
import { invitationsCapability } from './invitations/invitations.capability';
import type { Capability, FencedStream, StreamFolder } from './platform/capability';
import type { Projection } from './platform/projection-engine/projection';
import { streamCategory } from './platform/domain/streams';

/**
 * The rooms of the product, and the one place their contributions meet (their events meet in
 * events.ts, their Nest modules in app.module.ts). A new capability adds a line here; a new use
 * case, read model or stream of an existing one touches its own room only.
 */
export const CAPABILITIES: readonly Capability[] = [
  invitationsCapability,
  azureSubscriptionsCapability,
  delegatedAdminCapability,
  autopilotCapability,
  gdapCapability,
  effectiveAccessCapability,
  auditCapability,
];

/** Every read model the engine maintains. */
export const PROJECTIONS: readonly Projection[] = CAPABILITIES.flatMap(
  (capability) => capability.projections ?? [],
);

const FOLDERS = new Map<string, StreamFolder>(
  CAPABILITIES.flatMap((capability) => Object.entries(capability.streams ?? {})),
);

/** The decider that folds `streamId`'s events, or undefined for a category without one. */
export const streamFolderOf = (streamId: string): StreamFolder | undefined =>
  FOLDERS.get(streamCategory(streamId));

/** Every stream a revocation between this partner and customer fences first. */
export const fencedStreamsOf = (
  partnerTenantId: string,
  customerTenantId: string,
): FencedStream[] =>
  CAPABILITIES.flatMap(
    (capability) => capability.fencedStreams?.(partnerTenantId, customerTenantId) ?? [],
  );

/** This module's file: the projection worker loads the read models from it (ProjectionThread). */
export const CAPABILITIES_MODULE = __filename;
