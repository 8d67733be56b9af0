import { type DynamicModule, Global, Logger, Module } from '@nestjs/common';
import {
  APP_FILTER,
  APP_INTERCEPTOR,
  DiscoveryModule,
  DiscoveryService,
  Reflector,
} from '@nestjs/core';
import { join } from 'node:path';
import { TokenVerifier } from './auth/token-verifier';
import {
  FENCED_STREAMS,
  type FencedStreamsOf,
  STREAM_FOLDERS,
  type StreamFolder,
} from './capability';
import { CLOCK, type Clock, systemClock } from './config/clock';
import { SETTINGS, type Settings } from './config/settings';
import { EVENT_STORE, type EventStore } from './event-store/event-store';
import { createEventStore } from './event-store/event-store.factory';
import { embeddedEventsHead } from './event-store/embedded-head';
import { CommandGateway } from './graphql/command-gateway';
import { IdempotencyKeys } from './graphql/idempotency/idempotency-keys';
import { MeResolver } from './graphql/me.resolver';
import { FaultMonitor } from './health/fault-monitor';
import { HealthController } from './health/health.controller';
import { Readiness } from './health/readiness';
import { CommandObserver } from './observability/command-observer';
import { GraphQLErrorsUnlogged } from './observability/graphql-exceptions.filter';
import { instrumentEventStore } from './observability/instrumented-event-store';
import { Metrics } from './observability/metrics';
import { MetricsController } from './observability/metrics.controller';
import { ResolverSpans } from './observability/resolver-spans.interceptor';
import { tracesEndpoint } from './observability/tracing';
import { TracingLifecycle } from './observability/tracing.lifecycle';
import { OperatorResolver } from './operator/operator.resolver';
import type { Projection } from './projection-engine/projection';
import { parallelReplayOf } from './projection-engine/parallel-replay';
import { ProjectionEngine } from './projection-engine/projection-engine';
import { ProjectionThread } from './projection-engine/projection-thread';
import { PROJECTOR } from './projection-engine/projector';
import { READ_STORE, type ReadStore } from './read-store/read-store';
import { openCheckedReadStore } from './read-store/read-store.factory';
import { ReadModelCache } from './read-store/read-model-cache';
import { CallerWrites } from './consistency/caller-writes';
import { ReadSide } from './read-store/read-side';
import { CallerRateLimit } from './security/caller-rate-limit';
import { FollowUps } from './policies/follow-ups';
import { Policies } from './policies/policies';
import { createPolicyLease, POLICY_LEASE } from './policies/policy-lease';
import { PolicyReactor } from './policies/policy.reactor';
import { GracefulShutdown } from './server/graceful-shutdown';
import { LedgerLifecycle } from './server/ledger.lifecycle';
import { AggregateStore } from './write/aggregate-store';
import { Revocations } from './write/revocations';

/** How long a write on the request thread may block on a lock before it is retried on a timer. */
const REQUEST_THREAD_BUSY_MS = 100;

export interface PlatformOptions {
  settings: Settings;
  clock?: Clock;
  /** What the rooms contribute (composed in src/capabilities.ts). */
  capabilities: {
    projections: readonly Projection[];
    /** The module exporting `PROJECTIONS`: the projection worker loads the read models from it. */
    projectionsModule: string;
    streamFolderOf: (streamId: string) => StreamFolder | undefined;
    fencedStreamsOf: FencedStreamsOf;
  };
}

/** Answers kept for events an older events.db restored beside them does not hold: forgotten. */
function forgetAnswersPastTheEvents(settings: Settings, keys: IdempotencyKeys): void {
  const head = embeddedEventsHead(settings);
  const forgotten = head === undefined ? 0 : keys.forgetAnswersPast(head);
  if (forgotten > 0) {
    new Logger('Idempotency').warn(
      `${keys.file.path} kept ${forgotten} answers to requests recorded past the event store's last position (${head}): events.db is an older copy, so those keys are forgotten and run anew`,
    );
  }
}

/**
 * What every room uses, nothing room-specific: settings and clock, the stores, the projector, the
 * write side (AggregateStore, Revocations, CommandGateway), the read side, auth, limits, health,
 * metrics and tracing. Global, so a room's module lists only its own handlers and resolvers.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot({ settings, clock = systemClock, capabilities }: PlatformOptions): DynamicModule {
    // One verifier for the HTTP gate and graphql-ws: one cache of verified tokens, one JWKS.
    const verifier = TokenVerifier.fromSettings(settings);
    const metrics = new Metrics();
    const shared = [
      { provide: SETTINGS, useValue: settings },
      { provide: CLOCK, useValue: clock },
      { provide: TokenVerifier, useValue: verifier },
      {
        provide: IdempotencyKeys,
        useFactory: () => {
          const keys = new IdempotencyKeys(
            join(settings.DATA_DIR, 'idempotency.db'),
            settings.IDEMPOTENCY_KEY_TTL_HOURS * 3_600_000,
            () => clock.now().getTime(),
          );
          forgetAnswersPastTheEvents(settings, keys);
          return keys;
        },
      },
      { provide: Readiness, useValue: new Readiness() },
      { provide: Metrics, useValue: metrics },
      { provide: STREAM_FOLDERS, useValue: capabilities.streamFolderOf },
      { provide: FENCED_STREAMS, useValue: capabilities.fencedStreamsOf },
      {
        provide: EVENT_STORE,
        useFactory: () =>
          instrumentEventStore(
            createEventStore(settings, { onReconnect: () => metrics.storeReconnects.inc() }),
            metrics,
          ),
      },
      // Queries never wait for a lock (WAL); the policies' checkpoint write waits briefly at most.
      {
        provide: READ_STORE,
        useFactory: () =>
          openCheckedReadStore(settings, new Logger('ReadStore'), {
            busyWaitMs: REQUEST_THREAD_BUSY_MS,
          }),
      },
      {
        provide: PROJECTOR,
        useFactory: (store: EventStore, readStore: ReadStore) => {
          const logger = new Logger('Projections');
          const onError = (error: Error) => logger.warn(error.message);
          const onStoreReconnect = () => metrics.storeReconnects.inc();
          if (settings.PROJECTION_THREAD === 'worker') {
            return new ProjectionThread(
              store,
              readStore,
              capabilities.projections,
              capabilities.projectionsModule,
              settings,
              { onError, onStoreReconnect },
            );
          }
          const engine = new ProjectionEngine(store, readStore, capabilities.projections, {
            onError,
            buildLeaseMs: settings.PROJECTION_BUILD_LEASE_MS,
            batchSize: settings.PROJECTION_BATCH_SIZE,
            parallelReplay: parallelReplayOf(settings, capabilities.projectionsModule),
          });
          engine.onSwitched((line) => logger.log(line));
          return engine;
        },
        inject: [EVENT_STORE, READ_STORE],
      },
      CommandObserver,
      AggregateStore,
      Revocations,
      FollowUps,
      CommandGateway,
      ReadSide,
      ReadModelCache,
      CallerWrites,
      {
        provide: Policies,
        useFactory: (discovery: DiscoveryService, reflector: Reflector) =>
          Policies.discovered(discovery, reflector),
        inject: [DiscoveryService, Reflector],
      },
      {
        provide: POLICY_LEASE,
        useFactory: (store: EventStore) =>
          createPolicyLease(settings, store, new Logger('Policies')),
        inject: [EVENT_STORE],
      },
      PolicyReactor,
      CallerRateLimit,
      FaultMonitor,
    ];
    return {
      module: PlatformModule,
      imports: [DiscoveryModule],
      controllers: [HealthController, MetricsController],
      providers: [
        ...shared,
        TracingLifecycle,
        LedgerLifecycle,
        GracefulShutdown,
        MeResolver,
        OperatorResolver,
        ...(tracesEndpoint(settings)
          ? [{ provide: APP_INTERCEPTOR, useClass: ResolverSpans }]
          : []),
        { provide: APP_FILTER, useClass: GraphQLErrorsUnlogged },
      ],
      exports: [
        ...shared.map((provider) => ('provide' in provider ? provider.provide : provider)),
        // graphql-ws closes its sockets (1001) before the drain cuts what is left.
        GracefulShutdown,
      ],
    };
  }
}
