import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { GraphQLModule } from '@nestjs/graphql';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { AuditModule } from './audit/audit.module';
import { AutopilotModule } from './autopilot/autopilot.module';
import { AzureSubscriptionsModule } from './azure-subscriptions/azure-subscriptions.module';
import { CAPABILITIES_MODULE, fencedStreamsOf, PROJECTIONS, streamFolderOf } from './capabilities';
import { DelegatedAdminModule } from './delegated-admin/delegated-admin.module';
import { EffectiveAccessModule } from './effective-access/effective-access.module';
import { GdapModule } from './gdap/gdap.module';
import { InvitationsModule } from './invitations/invitations.module';
import type { Clock } from './platform/config/clock';
import { SETTINGS, type Settings } from './platform/config/settings';
import { consistencyTokenPlugin } from './platform/consistency/consistency-token.plugin';
import { PROJECTOR, type Projector } from './platform/projection-engine/projector';
import { stillServingPlugin } from './platform/read-store/still-serving.plugin';
import { DateTimeScalar } from './platform/graphql/date-time.scalar';
import { VerifiedDocumentStore } from './platform/graphql/document-store';
import { formatError } from './platform/graphql/error-formatting';
import { apolloLogger } from './platform/graphql/apollo-logger';
import { GraphqlWsServer } from './platform/graphql/graphql-ws-server';
import { IdempotencyKeys } from './platform/graphql/idempotency/idempotency-keys';
import { idempotencyPlugin } from './platform/graphql/idempotency/idempotency.plugin';
import { operationSizePlugin } from './platform/graphql/operation-limits';
import { productValidationRules } from './platform/graphql/validation-rules';
import type { RequestContext } from './platform/graphql/request-context';
import { subscriptionsOverHttpPlugin } from './platform/graphql/subscriptions-over-http';
import { Readiness } from './platform/health/readiness';
import { readinessGate } from './platform/health/readiness-gate.plugin';
import { graphqlOutcomePlugin } from './platform/observability/graphql-outcome';
import { requestIdOf } from './platform/observability/request-id';
import { PlatformModule } from './platform/platform.module';
import { callerOf } from './platform/security/caller';

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

/**
 * The composition root: the platform with what the rooms contribute (src/capabilities.ts), the
 * GraphQL server, and each room's module.
 */
@Module({})
export class AppModule {
  static forRoot(options: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          ...options,
          capabilities: {
            projections: PROJECTIONS,
            projectionsModule: CAPABILITIES_MODULE,
            streamFolderOf,
            fencedStreamsOf,
          },
        }),
        CqrsModule.forRoot(),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [SETTINGS, Readiness, IdempotencyKeys, PROJECTOR],
          useFactory: (
            settings: Settings,
            readiness: Readiness,
            keys: IdempotencyKeys,
            projector: Projector,
          ) => ({
            // In memory: the server never writes into its tree; `npm run schema` writes schema.gql.
            autoSchemaFile: true,
            sortSchema: true,
            playground: false,
            // Only callers with a verified token reach GraphQL, unless GRAPHQL_INTROSPECTION=anyone.
            introspection: true,
            buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: DateTimeScalar }] },
            parseOptions: { maxTokens: settings.GRAPHQL_MAX_TOKENS },
            validationRules: productValidationRules(settings),
            documentStore: new VerifiedDocumentStore(settings.GRAPHQL_DOCUMENT_CACHE_BYTES),
            plugins: [
              // No HTTP cache hints are used; the default plugin wraps every field's resolver.
              ApolloServerPluginCacheControlDisabled(),
              readinessGate(readiness, settings.NOT_READY_WAIT_MS),
              operationSizePlugin(settings),
              subscriptionsOverHttpPlugin,
              stillServingPlugin(projector),
              consistencyTokenPlugin(),
              idempotencyPlugin(keys, settings.STORE_LOCK_WAIT_MS),
              graphqlOutcomePlugin(),
            ],
            formatError: formatError(new Logger('GraphQL')),
            logger: apolloLogger(new Logger('Apollo')),
            // graphql-ws is served by GraphqlWsServer, with its own limits.
            context: requestContext,
          }),
        }),
        InvitationsModule,
        AzureSubscriptionsModule,
        DelegatedAdminModule,
        AutopilotModule,
        GdapModule,
        EffectiveAccessModule,
        AuditModule,
      ],
      // graphql-ws is served beside Apollo, with the schema GraphQLModule builds.
      providers: [GraphqlWsServer],
    };
  }
}
