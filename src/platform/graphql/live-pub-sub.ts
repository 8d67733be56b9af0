import { EventEmitter } from 'node:events';
import { PubSub } from 'graphql-subscriptions';

/**
 * A PubSub for subscriptions: a topic has one listener per subscription, bounded by
 * GRAPHQL_WS_MAX_SOCKETS_PER_CALLER × GRAPHQL_WS_MAX_SUBSCRIPTIONS per caller, so Node's
 * leak warning at eleven listeners would fire on ordinary use.
 */
export function livePubSub<Events extends Record<string, unknown>>(): PubSub<Events> {
  const eventEmitter = new EventEmitter();
  eventEmitter.setMaxListeners(0);
  return new PubSub<Events>({ eventEmitter });
}
