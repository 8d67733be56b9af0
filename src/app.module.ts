import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { GraphQLModule } from '@nestjs/graphql';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { allProjections } from '../projections';
import { auditSealerProvider } from './audit/audit-sealer';
import { TokenVerifier } from './platform/auth/token-verifier';
import { AggregateStore } from './platform/write/aggregate-store';
import { commandHandlers } from './platform/write';
import { FollowUpReactor } from './platform/policies/follow-up.reactor';
import { FollowUps } from './invitations/follow-ups';
import { Revocations } from './platform/write/revocations';
import { CLOCK, type Clock, systemClock } from './platform/config/clock';
import { SETTINGS, type Settings } from './platform/config/settings';
import { EVENT_STORE, type EventStore } from './platform/event-store/event-store';
import { createEventStore } from './platform/event-store/event-store.factory';
import { CommandGateway } from './platform/graphql/command-gateway';
import { DateTimeScalar } from './platform/graphql/date-time.scalar';
import { VerifiedDocumentStore } from './platform/graphql/document-store';
import { formatError } from './platform/graphql/error-formatting';
import { GraphqlWsServer } from './platform/graphql/graphql-ws-server';
import { operationLimitRules, operationSizePlugin } from './platform/graphql/operation-limits';
import { subscriptionsOverHttpPlugin } from './platform/graphql/subscriptions-over-http';
import { ReadModels } from './platform/graphql/read-models';
import type { RequestContext } from './platform/graphql/request-context';
import { graphqlServices, resolvers } from './platform/graphql';
import { IdempotencyKeys } from './platform/graphql/idempotency/idempotency-keys';
import { idempotencyPlugin } from './platform/graphql/idempotency/idempotency.plugin';
import { HealthController } from './platform/health/health.controller';
import { Readiness } from './platform/health/readiness';
import { readinessGate } from './platform/health/readiness-gate.plugin';
import { LedgerLifecycle } from './platform/server/ledger.lifecycle';
import { GraphQLErrorsUnlogged } from './platform/observability/graphql-exceptions.filter';
import { CommandObserver } from './platform/observability/command-observer';
import { graphqlOutcomePlugin } from './platform/observability/graphql-outcome';
import { instrumentEventStore } from './platform/observability/instrumented-event-store';
import { Metrics } from './platform/observability/metrics';
import { MetricsController } from './platform/observability/metrics.controller';
import { ResolverSpans } from './platform/observability/resolver-spans.interceptor';
import { tracesEndpoint } from './platform/observability/tracing';
import { TracingLifecycle } from './platform/observability/tracing.lifecycle';
import { requestIdOf } from './platform/observability/request-id';
import { ProjectionEngine } from './platform/projection-engine/projection-engine';
import { ProjectionThread } from './platform/projection-engine/projection-thread';
import { PROJECTOR } from './platform/projection-engine/projector';
import { READ_STORE, type ReadStore } from './platform/read-store/read-store';
import { callerOf } from './platform/security/caller';
import { CallerRateLimit } from './platform/security/caller-rate-limit';
import { createReadStore } from './platform/read-store/read-store.factory';

export interface AppOptions {
  settings: Settings;
  clock?: Clock;
}

interface HttpContextSource {
  req: Request;
}

/** The caller as the gate verified it (graphql-gate.ts), and the request's correlation id (R41). */
function requestContext({ req }: HttpContextSource): RequestContext {
  const caller = callerOf(req);
  return {
    req,
    // The request id (x-request-id, or one made for it) is the events' correlation id.
    correlationId: requestIdOf(req) ?? randomUUID(),
    actor: caller?.verified?.actor,
    authError: caller?.authError,
  };
}

@Module({})
export class AppModule {
  static forRoot({ settings, clock = systemClock }: AppOptions): DynamicModule {
    // One verifier for the HTTP gate and graphql-ws: one cache of verified tokens, one JWKS.
    const verifier = TokenVerifier.fromSettings(settings);
    const readiness = new Readiness();
    const metrics = new Metrics();
    const idempotencyKeys = new IdempotencyKeys(
      join(settings.DATA_DIR, 'idempotency.db'),
      settings.IDEMPOTENCY_KEY_TTL_HOURS * 3_600_000,
      () => clock.now().getTime(),
    );
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          useFactory: () => ({
            // In memory: the server never writes into its tree; `npm run schema` writes schema.gql.
            autoSchemaFile: true,
            sortSchema: true,
            playground: false,
            // Only callers with a verified token reach GraphQL, unless GRAPHQL_INTROSPECTION=anyone.
            introspection: true,
            buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: DateTimeScalar }] },
            parseOptions: { maxTokens: settings.GRAPHQL_MAX_TOKENS },
            validationRules: operationLimitRules(settings),
            documentStore: new VerifiedDocumentStore(settings.GRAPHQL_DOCUMENT_CACHE_BYTES),
            plugins: [
              // No HTTP cache hints are used; the default plugin wraps every field's resolver.
              ApolloServerPluginCacheControlDisabled(),
              readinessGate(readiness, settings.NOT_READY_WAIT_MS),
              operationSizePlugin(settings),
              subscriptionsOverHttpPlugin,
              idempotencyPlugin(idempotencyKeys),
              graphqlOutcomePlugin(),
            ],
            formatError: formatError(new Logger('GraphQL')),
            // graphql-ws is served by GraphqlWsServer, with its own limits.
            context: requestContext,
          }),
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SETTINGS, useValue: settings },
        { provide: TokenVerifier, useValue: verifier },
        { provide: IdempotencyKeys, useValue: idempotencyKeys },
        { provide: Readiness, useValue: readiness },
        { provide: Metrics, useValue: metrics },
        CommandObserver,
        TracingLifecycle,
        ...(tracesEndpoint(settings)
          ? [{ provide: APP_INTERCEPTOR, useClass: ResolverSpans }]
          : []),
        { provide: APP_FILTER, useClass: GraphQLErrorsUnlogged },
        { provide: CLOCK, useValue: clock },
        {
          provide: EVENT_STORE,
          useFactory: () =>
            instrumentEventStore(
              createEventStore(settings, { onReconnect: () => metrics.storeReconnects.inc() }),
              metrics,
            ),
        },
        { provide: READ_STORE, useFactory: () => createReadStore(settings) },
        {
          provide: PROJECTOR,
          useFactory: (store: EventStore, readStore: ReadStore) => {
            const logger = new Logger('Projections');
            const onError = (error: Error) => logger.warn(error.message);
            const onStoreReconnect = () => metrics.storeReconnects.inc();
            return settings.PROJECTION_THREAD === 'worker'
              ? new ProjectionThread(store, readStore, allProjections, settings, {
                  onError,
                  onStoreReconnect,
                })
              : new ProjectionEngine(store, readStore, allProjections, { onError });
          },
          inject: [EVENT_STORE, READ_STORE],
        },
        LedgerLifecycle,
        auditSealerProvider(settings),
        AggregateStore,
        FollowUps,
        FollowUpReactor,
        Revocations,
        CommandGateway,
        ReadModels,
        GraphqlWsServer,
        CallerRateLimit,
        ...commandHandlers,
        ...resolvers,
        ...graphqlServices,
      ],
    };
  }
}
