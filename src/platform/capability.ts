import type { Decider } from './domain/decider';
import type { FencedScope } from './domain/revocation-fences';
import type { Projection } from './projection-engine/projection';

/**
 * How a stream's events fold into its aggregate's state; `viewAfter`, where given, is what history
 * shows of the state after an event (undefined: one this version cannot read), else the state.
 */
export type StreamFolder = Pick<Decider<unknown, never, unknown>, 'initialState'> & {
  evolve(state: unknown, event: { type: string; data: unknown }): unknown;
  viewAfter?(state: unknown, event: { type: string; data: unknown } | undefined): unknown;
};

/** A stream where a partner's actions in a customer's tenant depend on the pair's facts. */
export interface FencedStream {
  scope: FencedScope;
  streamId: string;
}

/**
 * What one room (a capability) contributes to the rest of the product beside its Nest module:
 * the deciders of the streams it owns, its read models, and the streams a revocation must fence.
 * Its events and their schema versions are joined in src/events.ts, its module in app.module.ts.
 */
export interface Capability {
  name: string;
  /** Stream category (`category-id`) → the decider folding its events. */
  streams?: Record<string, StreamFolder>;
  projections?: readonly Projection[];
  /** For a (partner, customer) pair: this room's streams that a revocation fences first. */
  fencedStreams?: (partnerTenantId: string, customerTenantId: string) => FencedStream[];
}

export const STREAM_FOLDERS = Symbol('StreamFolders');
export const FENCED_STREAMS = Symbol('FencedStreams');
export type FencedStreamsOf = (partnerTenantId: string, customerTenantId: string) => FencedStream[];
