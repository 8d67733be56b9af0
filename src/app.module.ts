import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { GraphQLModule } from '@nestjs/graphql';
import type { ExecutionResult } from 'graphql';
import { randomUUID } from 'node:crypto';
import { allProjections } from '../projections';
import { TokenVerifier } from './auth/token-verifier';
import { AggregateStore } from './commands/aggregate-store';
import { commandHandlers } from './commands';
import { FollowUpReactor } from './commands/follow-ups/follow-up.reactor';
import { FollowUps } from './commands/follow-ups/follow-ups';
import { CLOCK, type Clock, systemClock } from './config/clock';
import { SETTINGS, type Settings } from './config/settings';
import { EVENT_STORE, type EventStore } from './event-store/event-store';
import { createEventStore } from './event-store/event-store.factory';
import { CommandGateway } from './graphql/common/command-gateway';
import { formatError } from './graphql/common/error-formatting';
import { ReadModels } from './graphql/common/read-models';
import type { RequestContext } from './graphql/common/request-context';
import { graphqlServices, resolvers } from './graphql';
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
import { createReadStore } from './read-store/read-store.factory';

export interface AppOptions {
  settings: Settings;
  clock?: Clock;
}

async function requestContext(
  verifier: TokenVerifier,
  authorization: string | undefined,
  correlationId: string = randomUUID(),
): Promise<Omit<RequestContext, 'req'>> {
  if (!authorization) return { correlationId };
  try {
    return { correlationId, actor: await verifier.verify(authorization) };
  } catch (error) {
    return { correlationId, authError: (error as Error).message };
  }
}

interface HttpContextSource {
  req: RequestContext['req'];
}

/** What graphql-ws hands the context factory: the connection, with `connection_init`'s payload. */
interface WsContextSource {
  connectionInitReceived: boolean;
  connectionParams?: Record<string, unknown>;
}

const isWebSocket = (source: HttpContextSource | WsContextSource): source is WsContextSource =>
  'connectionInitReceived' in source;

@Module({})
export class AppModule {
  static forRoot({ settings, clock = systemClock }: AppOptions): DynamicModule {
    // One verifier for GraphQL and the response cache: one cache of verified tokens, one JWKS.
    const verifier = TokenVerifier.fromSettings(settings);
    const readiness = new Readiness();
    const metrics = new Metrics();
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          useFactory: () => {
            const format = formatError(new Logger('GraphQL'));
            return {
              // In memory: the server never writes into its tree; `npm run schema` writes schema.gql.
              autoSchemaFile: true,
              sortSchema: true,
              playground: false,
              introspection: true,
              // No HTTP cache hints are used; the default plugin wraps every field's resolver.
              plugins: [
                ApolloServerPluginCacheControlDisabled(),
                readinessGate(readiness, settings.NOT_READY_WAIT_MS),
                graphqlOutcomePlugin(),
              ],
              formatError: format,
              subscriptions: {
                'graphql-ws': {
                  path: '/graphql',
                  // Errors over graphql-ws carry the same extensions.code and rule as over HTTP.
                  onNext: (_ctx, _id, _payload, _args, result: ExecutionResult) =>
                    result.errors && {
                      ...result,
                      errors: result.errors.map((error) => format(error.toJSON(), error)),
                    },
                },
              },
              context: async (source: HttpContextSource | WsContextSource) => {
                if (isWebSocket(source)) {
                  const authorization = source.connectionParams?.authorization;
                  return requestContext(
                    verifier,
                    typeof authorization === 'string' ? authorization : undefined,
                  );
                }
                return {
                  req: source.req,
                  ...(await requestContext(
                    verifier,
                    source.req?.headers.authorization,
                    source.req && requestIdOf(source.req),
                  )),
                };
              },
            };
          },
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SETTINGS, useValue: settings },
        { provide: TokenVerifier, useValue: verifier },
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
        AggregateStore,
        FollowUps,
        FollowUpReactor,
        CommandGateway,
        ReadModels,
        ...commandHandlers,
        ...resolvers,
        ...graphqlServices,
      ],
    };
  }
}
