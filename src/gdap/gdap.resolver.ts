import { Inject } from '@nestjs/common';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { boundedList } from '../platform/graphql/bounded-list';
import { connectionOf } from '../platform/graphql/connection';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import { GdapRelationshipsHistoryQueries } from '../../projections/gdap/gdap-relationships-history.queries';
import {
  type GdapRelationshipFilter,
  GdapRelationshipsQueries,
} from '../../projections/gdap/gdap-relationships.queries';
import { type Actor, isCustomerGlobalAdmin, isOperator } from '../platform/domain/actor';
import { forbidden, invalidInput, notFound } from '../platform/domain/domain-error';
import { givenTenantId, normaliseEntityId } from '../platform/domain/ids';
import { assertPartnerPageReader } from '../delegated-admin/domain/page-access';
import { CommandGateway } from '../platform/graphql/command-gateway';
import { Caller, CurrentActor } from '../platform/graphql/current-actor.decorator';
import { decodeCursor, encodeCursor, pageSize } from '../platform/graphql/cursor';
import { ReadSide } from '../platform/read-store/read-side';
import type { CommandContext } from '../platform/write/command-context';
import type { Intent } from '../platform/write/intent';
import { CreateDelegatedAdminRelationship } from './create-delegated-admin-relationship';
import { UpdateDelegatedAdminRelationship } from './update-delegated-admin-relationship';
import { DeleteDelegatedAdminRelationship } from './delete-delegated-admin-relationship';
import { RequestDelegatedAdminRelationshipApproval } from './request-delegated-admin-relationship-approval';
import { ApproveDelegatedAdminRelationship } from './approve-delegated-admin-relationship';
import { TerminateDelegatedAdminRelationship } from './terminate-delegated-admin-relationship';
import { CreateDelegatedAdminAccessAssignment } from './create-delegated-admin-access-assignment';
import { DeleteDelegatedAdminAccessAssignment } from './delete-delegated-admin-access-assignment';
import { UpdateDelegatedAdminAccessAssignment } from './update-delegated-admin-access-assignment';
import { GDAP_APPROVAL_BASE_URL } from './domain/approval-link';
import { addDays } from './domain/durations';
import { maySeeRelationship } from './domain/gdap-access';
import { gdapRelationshipId, normaliseRelationshipId } from './domain/gdap-ids';
import { DIRECTORY_ROLE_CATALOGUE } from './domain/role-catalogue';
import { toRelationship } from './gdap.mapper';
import {
  assignmentRoles,
  assignmentToCreate,
  customerToUpdate,
  relationshipToCreate,
  rolesToUpdate,
} from './graph-shape';
import {
  ApproveDelegatedAdminRelationshipInput,
  CreateDelegatedAdminAccessAssignmentInput,
  CreateDelegatedAdminRelationshipInput,
  DelegatedAdminRelationship,
  DelegatedAdminRelationshipConnection,
  DelegatedAdminRelationshipFilter,
  DeleteDelegatedAdminAccessAssignmentInput,
  UpdateDelegatedAdminAccessAssignmentInput,
  DeleteDelegatedAdminRelationshipInput,
  UnifiedRole,
  ExpiringDelegatedAdminRelationships,
  GDAP_PAGE_DEFAULT,
  GDAP_PAGE_MAX,
  RequestDelegatedAdminRelationshipApprovalInput,
  TerminateDelegatedAdminRelationshipInput,
  UpdateDelegatedAdminRelationshipInput,
} from './gdap.types';

const READ_MODEL = 'gdap-relationships';
const HISTORY_READ_MODEL = 'gdap-relationships-history';
const isId = (value: unknown): value is string => typeof value === 'string';

/**
 * R17: a partner sees its own relationships, a customer's Global admin those with it; `null` when
 * the filter names another tenant in the caller's own place (nothing of its own matches that).
 */
function scopeOf(
  actor: Actor,
  filter: DelegatedAdminRelationshipFilter | undefined,
): GdapRelationshipFilter | null {
  const customerTenantId = givenTenantId(filter?.customerTenantId, 'filter.customerTenantId');
  const partnerTenantId = givenTenantId(filter?.partnerTenantId, 'filter.partnerTenantId');
  const narrowing = {
    status: filter?.status ?? undefined,
    endingBefore: filter?.endingBefore?.toISOString(),
  };
  if (actor.tenantKind === 'partner') {
    assertPartnerPageReader(actor);
    if (partnerTenantId !== undefined && partnerTenantId !== actor.tenantId) return null;
    return { partnerTenantId: actor.tenantId, customerTenantId, ...narrowing };
  }
  if (actor.tenantKind === 'customer') {
    if (!isCustomerGlobalAdmin(actor)) {
      throw forbidden(
        'R62',
        'Only a Global admin of the customer tenant sees its GDAP relationships.',
      );
    }
    if (customerTenantId !== undefined && customerTenantId !== actor.tenantId) return null;
    return { partnerTenantId, customerTenantId: actor.tenantId, ...narrowing };
  }
  if (isOperator(actor)) return { partnerTenantId, customerTenantId, ...narrowing };
  throw forbidden('R17', 'Only partners, customers and the operator see GDAP relationships.');
}

/** R60–R66: Graph-named operations on GDAP relationships and their access assignments. */
@Resolver(() => DelegatedAdminRelationship)
export class GdapResolver {
  constructor(
    private readonly commands: CommandGateway,
    private readonly readSide: ReadSide,
    private readonly relationships: GdapRelationshipsQueries,
    private readonly history: GdapRelationshipsHistoryQueries,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  @Query(() => [UnifiedRole], { description: 'R60: the directory roles GDAP may request.' })
  delegatedAdminRoleCatalogue(): UnifiedRole[] {
    return [...DIRECTORY_ROLE_CATALOGUE];
  }

  @Query(() => DelegatedAdminRelationshipConnection, {
    description:
      'R17: the caller’s GDAP relationships (a partner’s own, or a customer’s), by id; totalCount is counted only when selected.',
  })
  async delegatedAdminRelationships(
    @CurrentActor() actor: Actor,
    @Args('filter', { type: () => DelegatedAdminRelationshipFilter, nullable: true })
    filter?: DelegatedAdminRelationshipFilter,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<DelegatedAdminRelationshipConnection> {
    const scope = scopeOf(actor, filter);
    const size = pageSize(first, GDAP_PAGE_DEFAULT, GDAP_PAGE_MAX);
    const afterId = decodeCursor('delegatedAdminRelationships', after, isId);
    await this.readSide.ready(READ_MODEL);
    return connectionOf(
      scope ? this.relationships.page(scope, size + 1, afterId) : [],
      size,
      (view) => toRelationship(view, actor),
      (view) => encodeCursor('delegatedAdminRelationships', view.relationshipId),
      () => (scope ? this.relationships.count(scope) : 0),
    );
  }

  @Query(() => DelegatedAdminRelationship, { nullable: true })
  async delegatedAdminRelationship(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<DelegatedAdminRelationship | null> {
    await this.readSide.ready(READ_MODEL);
    const view = this.relationships.byId(normaliseRelationshipId(id));
    return view && maySeeRelationship(actor, view) ? toRelationship(view, actor) : null;
  }

  @Query(() => ExpiringDelegatedAdminRelationships, {
    description:
      'R63: the partner’s active relationships ending within 30, 7 and 1 days of now. More than GRAPHQL_MAX_LIST_ITEMS within 30 days is refused (RESPONSE_TOO_LARGE): page them with delegatedAdminRelationships(filter: { endingBefore }).',
  })
  async expiringDelegatedAdminRelationships(
    @CurrentActor() actor: Actor,
    @Args('asOf', { type: () => Date, nullable: true }) asOf?: Date,
  ): Promise<ExpiringDelegatedAdminRelationships> {
    if (actor.tenantKind !== 'partner') {
      throw forbidden('R63', 'The expiring lists are on the partner’s Customers page.');
    }
    assertPartnerPageReader(actor);
    // R43: asOf reads the relationships as they stood then, not today's rows.
    await this.readSide.ready(asOf ? HISTORY_READ_MODEL : READ_MODEL);
    const now = asOf ?? this.readSide.now();
    const until = addDays(now, 30);
    const within30 = boundedList(
      this.settings.GRAPHQL_MAX_LIST_ITEMS,
      (limit) =>
        asOf
          ? this.history.endingBy(actor.tenantId, asOf, until, limit)
          : this.relationships.endingBy(actor.tenantId, now, until, limit),
      'expiringDelegatedAdminRelationships',
      'delegatedAdminRelationships',
    ).map((view) => toRelationship(view, actor));
    const within = (days: number) =>
      within30.filter((relationship) => (relationship.endDateTime as Date) <= addDays(now, days));
    return { within30Days: within30, within7Days: within(7), within1Day: within(1) };
  }

  @Mutation(() => DelegatedAdminRelationship, {
    description: 'R60: a partner Admin Agent creates a relationship (status created).',
  })
  async createDelegatedAdminRelationship(
    @Caller() caller: CommandContext,
    @Args('input') input: CreateDelegatedAdminRelationshipInput,
  ): Promise<DelegatedAdminRelationship> {
    if (caller.actor.tenantKind !== 'partner') {
      throw forbidden('R60', 'Only a partner’s Admin Agents create GDAP relationships.');
    }
    const relationshipId = gdapRelationshipId(caller.actor.tenantId, randomUUID());
    const { customerTenantId, customerDisplayName, roles } = relationshipToCreate(input);
    return this.change(
      new CreateDelegatedAdminRelationship(caller, {
        type: 'CreateDelegatedAdminRelationship',
        actor: caller.actor,
        relationshipId,
        customerTenantId,
        customerDisplayName,
        displayName: input.displayName,
        duration: input.duration,
        roles,
        autoExtendDuration: input.autoExtendDuration,
      }),
    );
  }

  @Mutation(() => DelegatedAdminRelationship, {
    description:
      'R61, R65: edit a created relationship; while active, auto-extend or removing Global Administrator.',
  })
  async updateDelegatedAdminRelationship(
    @Caller() caller: CommandContext,
    @Args('input') input: UpdateDelegatedAdminRelationshipInput,
  ): Promise<DelegatedAdminRelationship> {
    return this.change(
      new UpdateDelegatedAdminRelationship(caller, {
        type: 'UpdateDelegatedAdminRelationship',
        actor: caller.actor,
        relationshipId: normaliseRelationshipId(input.relationshipId),
        ...customerToUpdate(input),
        displayName: input.displayName,
        duration: input.duration,
        roles: rolesToUpdate(input),
        autoExtendDuration: input.autoExtendDuration,
      }),
    );
  }

  @Mutation(() => ID, { description: 'R61: delete a relationship still in status created.' })
  async deleteDelegatedAdminRelationship(
    @Caller() caller: CommandContext,
    @Args('input') input: DeleteDelegatedAdminRelationshipInput,
  ): Promise<string> {
    const relationshipId = normaliseRelationshipId(input.relationshipId);
    return this.commands.execute(
      new DeleteDelegatedAdminRelationship(caller, {
        type: 'DeleteDelegatedAdminRelationship',
        actor: caller.actor,
        relationshipId,
      }),
      () => relationshipId,
    );
  }

  @Mutation(() => DelegatedAdminRelationship, {
    description:
      'R61: lock a created relationship for approval: an approval link and an email draft.',
  })
  async requestDelegatedAdminRelationshipApproval(
    @Caller() caller: CommandContext,
    @Args('input') input: RequestDelegatedAdminRelationshipApprovalInput,
  ): Promise<DelegatedAdminRelationship> {
    return this.change(
      new RequestDelegatedAdminRelationshipApproval(caller, {
        type: 'RequestDelegatedAdminRelationshipApproval',
        actor: caller.actor,
        relationshipId: normaliseRelationshipId(input.relationshipId),
        approvalBaseUrl: GDAP_APPROVAL_BASE_URL,
      }),
    );
  }

  @Mutation(() => DelegatedAdminRelationship, {
    description: 'R62: the customer’s Global admin approves every requested role.',
  })
  async approveDelegatedAdminRelationship(
    @Caller() caller: CommandContext,
    @Args('input') input: ApproveDelegatedAdminRelationshipInput,
  ): Promise<DelegatedAdminRelationship> {
    return this.change(
      new ApproveDelegatedAdminRelationship(caller, {
        type: 'ApproveDelegatedAdminRelationship',
        actor: caller.actor,
        relationshipId: normaliseRelationshipId(input.relationshipId),
      }),
    );
  }

  @Mutation(() => DelegatedAdminRelationship, {
    description:
      'R64: either side ends an active relationship (terminationRequested, then terminated).',
  })
  async terminateDelegatedAdminRelationship(
    @Caller() caller: CommandContext,
    @Args('input') input: TerminateDelegatedAdminRelationshipInput,
  ): Promise<DelegatedAdminRelationship> {
    return this.change(
      new TerminateDelegatedAdminRelationship(caller, {
        type: 'TerminateDelegatedAdminRelationship',
        actor: caller.actor,
        relationshipId: normaliseRelationshipId(input.relationshipId),
      }),
    );
  }

  @Mutation(() => DelegatedAdminRelationship, {
    description: 'R66: give a partner security group some of an active relationship’s roles.',
  })
  async createDelegatedAdminAccessAssignment(
    @Caller() caller: CommandContext,
    @Args('input') input: CreateDelegatedAdminAccessAssignmentInput,
  ): Promise<DelegatedAdminRelationship> {
    return this.change(
      new CreateDelegatedAdminAccessAssignment(caller, {
        type: 'CreateDelegatedAdminAccessAssignment',
        actor: caller.actor,
        relationshipId: normaliseRelationshipId(input.relationshipId),
        assignmentId: randomUUID(),
        ...assignmentToCreate(input),
      }),
    );
  }

  @Mutation(() => DelegatedAdminRelationship, {
    description:
      'R66: change the roles a pending or active access assignment gives its group (Graph: update accessDetails) to another subset of the relationship’s roles; at once, those left out taken away; the same roles change nothing.',
  })
  async updateDelegatedAdminAccessAssignment(
    @Caller() caller: CommandContext,
    @Args('input') input: UpdateDelegatedAdminAccessAssignmentInput,
  ): Promise<DelegatedAdminRelationship> {
    return this.change(
      new UpdateDelegatedAdminAccessAssignment(caller, {
        type: 'UpdateDelegatedAdminAccessAssignment',
        actor: caller.actor,
        relationshipId: normaliseRelationshipId(input.relationshipId),
        assignmentId: normaliseEntityId(input.assignmentId, 'access assignment'),
        roleTemplateIds: assignmentRoles(input),
      }),
    );
  }

  @Mutation(() => DelegatedAdminRelationship, {
    description: 'R66: delete an access assignment (deleting, then deleted).',
  })
  async deleteDelegatedAdminAccessAssignment(
    @Caller() caller: CommandContext,
    @Args('input') input: DeleteDelegatedAdminAccessAssignmentInput,
  ): Promise<DelegatedAdminRelationship> {
    return this.change(
      new DeleteDelegatedAdminAccessAssignment(caller, {
        type: 'DeleteDelegatedAdminAccessAssignment',
        actor: caller.actor,
        relationshipId: normaliseRelationshipId(input.relationshipId),
        assignmentId: normaliseEntityId(input.assignmentId, 'access assignment'),
      }),
    );
  }

  /** Runs a use case on one relationship and answers the relationship as it now reads. */
  private change(intent: Intent<{ relationshipId: string }>): Promise<DelegatedAdminRelationship> {
    const { relationshipId } = intent.command;
    if (relationshipId.length > 200) throw invalidInput('relationshipId is too long.');
    return this.commands.execute(intent, async () => {
      await this.readSide.ready(READ_MODEL);
      const view = this.relationships.byId(relationshipId);
      if (!view) throw notFound('No such GDAP relationship.');
      return toRelationship(view, intent.context.actor);
    });
  }
}
