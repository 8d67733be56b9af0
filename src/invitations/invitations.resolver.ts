import { Inject } from '@nestjs/common';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import { AcceptResellerInvitation } from './accept-reseller-invitation';
import { CancelInvitation } from './cancel-invitation';
import { EditInvitationEmail } from './edit-invitation-email';
import { RequestResellerRelationship } from './request-reseller-relationship';
import type { CommandContext } from '../platform/write/command-context';
import { canSeeInvitation, invitationListingOf } from './domain/invitation-visibility';
import { assertPartnerPageReader } from '../delegated-admin/domain/page-access';
import type { Actor } from '../platform/domain/actor';
import { notFound } from '../platform/domain/domain-error';
import { normaliseEntityId, normaliseTenantId } from '../platform/domain/ids';
import type {
  InvitationAudienceKey,
  InvitationRow,
} from '../../projections/invitations/invitations.queries';
import { connectionOf } from '../platform/graphql/connection';
import { decodeCursor, encodeCursor, isTextKey, pageSize } from '../platform/graphql/cursor';
import { isStoredMoment } from '../platform/common/date-time';
import { CommandGateway } from '../platform/graphql/command-gateway';
import { Caller, CurrentActor } from '../platform/graphql/current-actor.decorator';
import { ReadSide } from '../platform/read-store/read-side';
import { boundedList } from '../platform/graphql/bounded-list';
import { CustomersQueries } from '../../projections/delegated-admin/customers.queries';
import { InvitationsQueries } from '../../projections/invitations/invitations.queries';
import { PartnerRelationship } from '../delegated-admin/customers-page/customer.types';
import { toPartnerRelationship } from '../delegated-admin/customers-page/customer.mapper';
import { invitationStatus } from './domain/invitation.decider';
import { toInvitation } from './invitation.mapper';
import {
  EditInvitationEmailInput,
  Invitation,
  InvitationConnection,
  InvitationStatus,
  RequestResellerRelationshipInput,
} from './invitation.types';

/** An invitations cursor as the list writes it: when it was created (stored ISO text), and its id. */
const isInvitationKey = (value: unknown): value is { createdAt: string; id: string } =>
  isTextKey('createdAt', 'id')(value) && isStoredMoment(value.createdAt);

@Resolver(() => Invitation)
export class InvitationsResolver {
  constructor(
    private readonly commands: CommandGateway,
    private readonly readSide: ReadSide,
    private readonly customers: CustomersQueries,
    private readonly invitationQueries: InvitationsQueries,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  @Mutation(() => Invitation, {
    description: 'R1–R3: a partner asks a customer for a reseller relationship.',
  })
  async requestResellerRelationship(
    @Caller() caller: CommandContext,
    @Args('input') input: RequestResellerRelationshipInput,
  ): Promise<Invitation> {
    // A blank id is left to the decider, which explains R4; null (given as such) is as omitted.
    const given = input.customerTenantId ?? undefined;
    const tenantId = given?.trim() ? normaliseTenantId(given, 'customerTenantId') : given;
    const domain = input.customerDomain ?? undefined;
    const intended = tenantId !== undefined || domain !== undefined ? { tenantId, domain } : null;
    const command = {
      type: 'RequestResellerRelationship',
      actor: caller.actor,
      invitationId: randomUUID(),
      includeDelegatedAdmin: input.includeDelegatedAdmin ?? true,
      intendedCustomer: intended,
    } as const;
    return this.commands.execute(new RequestResellerRelationship(caller, command), () =>
      this.visibleInvitation(caller.actor, command.invitationId),
    );
  }

  @Mutation(() => Invitation, {
    description: 'R3: edit the draft email; it must keep the exact link.',
  })
  async editInvitationEmail(
    @Caller() caller: CommandContext,
    @Args('input') input: EditInvitationEmailInput,
  ): Promise<Invitation> {
    const command = {
      type: 'EditInvitationEmail',
      actor: caller.actor,
      invitationId: normaliseEntityId(input.invitationId, 'invitation'),
      subject: input.subject,
      body: input.body,
    } as const;
    return this.commands.execute(new EditInvitationEmail(caller, command), () =>
      this.visibleInvitation(caller.actor, command.invitationId),
    );
  }

  @Mutation(() => Invitation, { description: 'R6: the partner withdraws a pending invitation.' })
  async cancelInvitation(
    @Caller() caller: CommandContext,
    @Args('invitationId', { type: () => ID }) invitationId: string,
  ): Promise<Invitation> {
    const command = {
      type: 'CancelInvitation',
      actor: caller.actor,
      invitationId: normaliseEntityId(invitationId, 'invitation'),
    } as const;
    return this.commands.execute(new CancelInvitation(caller, command), () =>
      this.visibleInvitation(caller.actor, command.invitationId),
    );
  }

  @Mutation(() => PartnerRelationship, {
    description:
      'R4–R8: the customer’s Global admin accepts. The answer is the relationship as it stands: relationshipActive is false when the partner ended it while the acceptance was being recorded (R9: the end came after it).',
  })
  async acceptResellerInvitation(
    @Caller() caller: CommandContext,
    @Args('invitationId', { type: () => ID }) invitationId: string,
  ): Promise<PartnerRelationship> {
    const command = {
      type: 'AcceptResellerInvitation',
      actor: caller.actor,
      invitationId: normaliseEntityId(invitationId, 'invitation'),
    } as const;
    return this.commands.execute(
      new AcceptResellerInvitation(caller, command),
      async ({ partnerTenantId, followedUp }) => {
        await this.readSide.ready('customers');
        const customerTenantId = caller.actor.tenantId;
        const row =
          this.customers.relationship(partnerTenantId, customerTenantId) ??
          (followedUp ? this.customers.pair(partnerTenantId, customerTenantId) : undefined);
        if (!row) throw new Error('the relationship is not on the Partner relationships page yet.');
        return toPartnerRelationship(row);
      },
    );
  }

  @Query(() => [Invitation], {
    description: 'A partner’s own invitations, or those addressed to a customer.',
    deprecationReason: 'Use invitationsConnection: paged, with totalCount.',
  })
  async invitations(
    @CurrentActor() actor: Actor,
    @Args('status', { type: () => InvitationStatus, nullable: true }) status?: InvitationStatus,
  ): Promise<Invitation[]> {
    assertPartnerPageReader(actor);
    await this.readSide.ready('invitations');
    const now = this.readSide.now();
    return boundedList(
      this.settings.GRAPHQL_MAX_LIST_ITEMS,
      (limit) => this.invitationRows(actor, status, now, limit),
      'invitations',
      'invitationsConnection',
    ).map((row) => toInvitation(row, now));
  }

  @Query(() => InvitationConnection, {
    description:
      'A partner’s own invitations, or those addressed to a customer (R5), newest first, filtered by status, keyset-paged.',
  })
  async invitationsConnection(
    @CurrentActor() actor: Actor,
    @Args('status', { type: () => InvitationStatus, nullable: true }) status?: InvitationStatus,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<InvitationConnection> {
    assertPartnerPageReader(actor);
    const size = pageSize(first, 50, 500);
    const key = decodeCursor('invitations', after, isInvitationKey);
    const audience = this.audienceOf(actor);
    await this.readSide.ready('invitations');
    const now = this.readSide.now();
    const { rows, totalCount } = this.invitationQueries.page(audience, status, now, size + 1, key);
    return connectionOf(
      rows,
      size,
      (row) => toInvitation(row, now),
      (row: InvitationRow) =>
        encodeCursor('invitations', { createdAt: row.created_at, id: row.invitation_id }),
      totalCount,
    );
  }

  @Query(() => Invitation, { nullable: true })
  async invitation(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Invitation | null> {
    assertPartnerPageReader(actor);
    await this.readSide.ready('invitations');
    const row = this.invitationQueries.byId(normaliseEntityId(id, 'invitation'));
    return row && this.isVisible(actor, row) ? toInvitation(row, this.readSide.now()) : null;
  }

  private invitationRows(
    actor: Actor,
    status: InvitationStatus | undefined,
    now: Date,
    limit: number,
  ): InvitationRow[] {
    const listing = invitationListingOf(actor);
    return listing.kind === 'partner'
      ? this.invitationQueries.ofPartner(listing.partnerTenantId, status, now, limit)
      : this.invitationQueries.forCustomer(listing.customer, status, now, limit);
  }

  private audienceOf(actor: Actor): InvitationAudienceKey {
    const listing = invitationListingOf(actor);
    return listing.kind === 'partner'
      ? listing
      : { kind: 'customer', tenantId: listing.customer.tenantId, domain: listing.customer.domain };
  }

  private isVisible(actor: Actor, row: InvitationRow): boolean {
    return canSeeInvitation(actor, {
      partnerTenantId: row.partner_tenant_id,
      intendedCustomer:
        row.intended_tenant_id || row.intended_domain
          ? {
              tenantId: row.intended_tenant_id ?? undefined,
              domain: row.intended_domain ?? undefined,
            }
          : null,
      acceptedBy: row.outcome === 'ACCEPTED' ? row.customer_tenant_id : null,
      pending:
        invitationStatus(
          { outcome: row.outcome, expiresAt: new Date(row.expires_at) },
          this.readSide.now(),
        ) === 'PENDING',
    });
  }

  private async visibleInvitation(actor: Actor, invitationId: string): Promise<Invitation> {
    await this.readSide.ready('invitations');
    const row = this.invitationQueries.byId(invitationId);
    if (!row || !this.isVisible(actor, row)) throw notFound('No such invitation.');
    return toInvitation(row, this.readSide.now());
  }
}
