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
import { TokenVerifier } from './auth/token-verifier';
import { AggregateStore } from './commands/aggregate-store';
import { commandHandlers } from './commands';
import { FollowUpReactor } from './commands/follow-ups/follow-up.reactor';
import { FollowUps } from './commands/follow-ups/follow-ups';
import { Revocations } from './commands/revocations';
import { CLOCK, type Clock, systemClock } from './config/clock';
import { SETTINGS, type Settings } from './config/settings';
import { EVENT_STORE, type EventStore } from './event-store/event-store';
import { createEventStore } from './event-store/event-store.factory';
import { CommandGateway } from './graphql/common/command-gateway';
import { DateTimeScalar } from './graphql/common/date-time.scalar';
import { VerifiedDocumentStore } from './graphql/common/document-store';
import { formatError } from './graphql/common/error-formatting';
import { GraphqlWsServer } from './graphql/common/graphql-ws-server';
import { operationLimitRules, operationSizePlugin } from './graphql/common/operation-limits';
import { subscriptionsOverHttpPlugin } from './graphql/common/subscriptions-over-http';
import { ReadModels } from './graphql/common/read-models';
import type { RequestContext } from './graphql/common/request-context';
import { graphqlServices, resolvers } from './graphql';
import { IdempotencyKeys } from './graphql/idempotency/idempotency-keys';
import { idempotencyPlugin } from './graphql/idempotency/idempotency.plugin';
import { HealthController } from './health/health.controller';
import { Readiness } from './health/readiness';
import { readinessGate } from './health/readiness-gate.plugin';
import { LedgerLifecycle } from './ledger.lifecycle';
import { GraphQLErrorsUnlogged } from './observability/graphql-exceptions.filter';
import { CommandObserver } from './observability/command-observer';
import { graphqlOutcomePlugin } from './observability/graphql-outcome';
import { instrumentEventStore } from './observability/instrumented-event-store';
import { Metrics } from './observability/metrics';
import { MetricsController } from './observability/metrics.controller';
import { ResolverSpans } from './observability/resolver-spans.interceptor';
import { tracesEndpoint } from './observability/tracing';
import { TracingLifecycle } from './observability/tracing.lifecycle';
import { requestIdOf } from './observability/request-id';
import { ProjectionEngine } from './projection-engine/projection-engine';
import { ProjectionThread } from './projection-engine/projection-thread';
import { PROJECTOR } from './projection-engine/projector';
import { READ_STORE, type ReadStore } from './read-store/read-store';
import { callerOf } from './security/caller';
import { CallerRateLimit } from './security/caller-rate-limit';
import { createReadStore } from './read-store/read-store.factory';

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
