import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Logger, Module } from '@nestjs/common';
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
import { LedgerLifecycle } from './ledger.lifecycle';
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
  /** Where to write the schema SDL; omitted: kept in memory (tests). */
  schemaFile?: string;
}

interface HttpContextSource {
  req: Request;
}

/** The caller as the gate verified it (graphql-gate.ts), and the request's correlation id (R41). */
function requestContext({ req }: HttpContextSource): RequestContext {
  const caller = callerOf(req);
  return {
    req,
    correlationId: randomUUID(),
    actor: caller?.verified?.actor,
    authError: caller?.authError,
  };
}

@Module({})
export class AppModule {
  static forRoot({ settings, clock = systemClock, schemaFile }: AppOptions): DynamicModule {
    // One verifier for the HTTP gate and graphql-ws: one cache of verified tokens, one JWKS.
    const verifier = TokenVerifier.fromSettings(settings);
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
            autoSchemaFile: schemaFile ?? true,
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
              operationSizePlugin(settings),
              subscriptionsOverHttpPlugin,
              idempotencyPlugin(idempotencyKeys),
            ],
            formatError: formatError(new Logger('GraphQL')),
            // graphql-ws is served by GraphqlWsServer, with its own limits.
            context: requestContext,
          }),
        }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: SETTINGS, useValue: settings },
        { provide: TokenVerifier, useValue: verifier },
        { provide: IdempotencyKeys, useValue: idempotencyKeys },
        { provide: CLOCK, useValue: clock },
        { provide: EVENT_STORE, useFactory: () => createEventStore(settings) },
        { provide: READ_STORE, useFactory: () => createReadStore(settings) },
        {
          provide: PROJECTOR,
          useFactory: (store: EventStore, readStore: ReadStore) => {
            const logger = new Logger('Projections');
            const onError = (error: Error) => logger.warn(error.message);
            return settings.PROJECTION_THREAD === 'worker'
              ? new ProjectionThread(store, readStore, allProjections, settings, { onError })
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
