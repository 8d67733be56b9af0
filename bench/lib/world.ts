import { readDomainEvent, schemaVersionOf } from '../../src/events';
import type { DomainEvent } from '../../src/events';
import { loadSettings } from '../../src/platform/config/settings';
import { autopilotId, registryTenantOrNotFound } from '../../src/autopilot/domain/autopilot-ids';
import { autopilotRegistryDecider } from '../../src/autopilot/domain/autopilot-registry.decider';
import type { AutopilotRequest } from '../../src/autopilot/domain/commands';
import type { DeviceIdentityInput } from '../../src/autopilot/domain/device-identity';
import { AUTOPILOT_SETTINGS } from '../../src/autopilot/domain/events';
import { fencedStreamsOf, streamFolderOf } from '../../src/capabilities';
import type { GdapCommand } from '../../src/gdap/domain/commands';
import { gdapDecider } from '../../src/gdap/domain/gdap.decider';
import { gdapRelationshipId, gdapStreamId } from '../../src/gdap/domain/gdap-ids';
import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import {
  type PairSnapshot,
  type RevocableFact,
  revocationStarted,
} from '../../src/platform/domain/revocation-fences';
import {
  type DapGrantState,
  dapGrantDecider,
} from '../../src/delegated-admin/domain/dap-grant/dap-grant.decider';
import { serviceRequestsDecider } from '../../src/delegated-admin/domain/service-requests/service-requests.decider';
import type { IntendedCustomer } from '../../src/invitations/domain/events';
import {
  invitationDecider,
  type InvitationState,
} from '../../src/invitations/domain/invitation.decider';
import {
  relationshipDecider,
  type RelationshipState,
} from '../../src/invitations/domain/relationship.decider';
import type { Actor } from '../../src/platform/domain/actor';
import type { Decider } from '../../src/platform/domain/decider';
import { streamIds } from '../../src/platform/domain/streams';
import type { AzureRole, Principal } from '../../src/azure-subscriptions/domain/azure-roles';
import { subscriptionRbacDecider } from '../../src/azure-subscriptions/domain/subscription-rbac.decider';
import type { EventMetadata } from '../../src/platform/event-store/event-store';
import type { Random } from './random';

const DAY_MS = 24 * 60 * 60 * 1000;

/** An event as the store would record it, before it has a global position. */
export interface WorldEvent {
  id: string;
  streamId: string;
  revision: number;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

export interface PartnerTenant {
  tenantId: string;
  name: string;
  admin: Actor;
  sales: Actor;
  helpdesk: Actor;
}

export interface CustomerTenant {
  tenantId: string;
  name: string;
  domain: string;
  admin: Actor;
}

interface Context {
  actor: Actor;
  correlationId: string;
  causationId?: string;
}

interface StreamState {
  state: unknown;
  revision: number;
}

/**
 * Produces history the way the product does, without I/O: every command goes through the real
 * pure deciders (so event shapes and rules stay those of the product), with the metadata the
 * AggregateStore would add, and the result is handed to `emit` in order. Benchmarks use it to
 * generate large, realistic stores quickly.
 */
export class World {
  private readonly streams = new Map<string, StreamState>();
  private readonly settings = loadSettings({});
  private clock: number;
  emitted = 0;

  constructor(
    private readonly random: Random,
    private readonly emit: (event: WorldEvent) => void,
    options: { start: Date; meanStepMs?: number },
  ) {
    this.clock = options.start.getTime();
    this.meanStepMs = options.meanStepMs ?? 20_000;
  }

  private readonly meanStepMs: number;

  now(): Date {
    return new Date(this.clock);
  }

  partner(index: number): PartnerTenant {
    const tenantId = this.random.uuid();
    const name = `Partner ${index} Ltd`;
    const user = (role: string, who: string): Actor => ({
      userId: this.random.uuid(),
      name: `${who} of partner ${index}`,
      tenantId,
      tenantKind: 'partner',
      tenantName: name,
      roles: [role],
    });
    return {
      tenantId,
      name,
      admin: user('AdminAgent', 'Admin agent'),
      sales: user('SalesAgent', 'Sales agent'),
      helpdesk: user('HelpdeskAgent', 'Helpdesk agent'),
    };
  }

  customer(index: number): CustomerTenant {
    const tenantId = this.random.uuid();
    const name = `Customer ${index} Inc`;
    const domain = `customer${index}.onmicrosoft.com`;
    return {
      tenantId,
      name,
      domain,
      admin: {
        userId: this.random.uuid(),
        name: `Global admin of customer ${index}`,
        tenantId,
        tenantKind: 'customer',
        tenantName: name,
        tenantDomain: domain,
        roles: ['GlobalAdmin'],
      },
    };
  }

  request(agent: Actor, includeDelegatedAdmin: boolean, intended: IntendedCustomer | null): string {
    const invitationId = this.random.uuid();
    this.decide(
      streamIds.invitation(invitationId),
      invitationDecider,
      {
        type: 'RequestResellerRelationship',
        actor: agent,
        invitationId,
        includeDelegatedAdmin,
        intendedCustomer: intended,
        invitationBaseUrl: this.settings.INVITATION_BASE_URL,
        ttlMs: this.settings.INVITATION_TTL_DAYS * DAY_MS,
      },
      this.context(agent),
    );
    return invitationId;
  }

  editEmail(agent: Actor, invitationId: string): void {
    const streamId = streamIds.invitation(invitationId);
    const state = this.stateOf(streamId, invitationDecider.initialState) as InvitationState;
    if (!state.exists) throw new Error(`no invitation ${invitationId}`);
    this.decide(
      streamId,
      invitationDecider,
      {
        type: 'EditInvitationEmail',
        actor: agent,
        invitationId,
        subject: `${state.partnerName}: your Microsoft cloud services`,
        body: `Hello,\n\nAs discussed on the phone, here is our invitation:\n\n${state.invitationUrl}\n\nBest regards,\n${agent.name}`,
      },
      this.context(agent),
    );
  }

  cancel(agent: Actor, invitationId: string): void {
    this.decide(
      streamIds.invitation(invitationId),
      invitationDecider,
      { type: 'CancelInvitation', actor: agent, invitationId },
      this.context(agent),
    );
    this.forget(streamIds.invitation(invitationId));
  }

  /** AcceptResellerInvitationHandler and AcceptanceFollowUp, step for step. */
  accept(admin: Actor, invitationId: string): void {
    const context = this.context(admin);
    const invitationStream = streamIds.invitation(invitationId);
    const [accepted] = this.decide(
      invitationStream,
      invitationDecider,
      { type: 'AcceptResellerInvitation', actor: admin, invitationId },
      context,
    );
    this.forget(invitationStream);
    // Typed as every reader of the store types it: by its type and schema version.
    const read = readDomainEvent(accepted.type, accepted.metadata.schemaVersion, accepted.data);
    if (!read.readable || read.event.type !== 'InvitationAccepted') {
      throw new Error(`the invitation was not accepted: ${accepted.type}`);
    }
    const { data } = read.event;
    const followUp = { ...context, causationId: accepted.id };
    const { partnerTenantId, partnerName, customer } = data;
    this.decide(
      streamIds.relationship(partnerTenantId, customer.tenantId),
      relationshipDecider,
      { type: 'EstablishRelationship', invitationId, partnerTenantId, partnerName, customer },
      followUp,
    );
    if (!data.includeDelegatedAdmin) return;
    this.decide(
      streamIds.dapGrant(partnerTenantId, customer.tenantId),
      dapGrantDecider,
      { type: 'GrantDelegatedAdmin', invitationId, partnerTenantId, partnerName, customer },
      followUp,
    );
  }

  openServiceRequest(agent: Actor, customerTenantId: string): void {
    const partnerTenantId = agent.tenantId;
    const topic = this.random.pick(SERVICE_REQUEST_TOPICS);
    this.decide(
      streamIds.serviceRequests(partnerTenantId, customerTenantId),
      serviceRequestsDecider,
      {
        type: 'OpenServiceRequest',
        actor: agent,
        partnerTenantId,
        customerTenantId,
        serviceRequestId: this.random.uuid(),
        title: topic.title,
        description: topic.description,
        pair: this.pairSnapshot(partnerTenantId, customerTenantId),
      },
      this.context(agent),
    );
  }

  /** What loadPairSnapshot reads: the pair's two streams and their revisions. */
  private pairSnapshot(partnerTenantId: string, customerTenantId: string): PairSnapshot {
    const relationship = this.streams.get(
      streamIds.relationship(partnerTenantId, customerTenantId),
    );
    const dap = this.streams.get(streamIds.dapGrant(partnerTenantId, customerTenantId));
    return {
      relationship: {
        active: (relationship?.state as RelationshipState | undefined)?.active ?? false,
        revision: relationship?.revision ?? -1,
      },
      dap: {
        status: (dap?.state as DapGrantState | undefined)?.status ?? 'NONE',
        revision: dap?.revision ?? -1,
      },
    };
  }

  /** Revocations.revoke: the fences go first, in every stream partner actions depend on. */
  private fence(
    context: Context,
    partnerTenantId: string,
    customerTenantId: string,
    revoking: RevocableFact,
    factStreamId: string,
  ): void {
    const factRevision = this.streams.get(factStreamId)?.revision ?? -1;
    for (const { scope, streamId } of fencedStreamsOf(partnerTenantId, customerTenantId)) {
      const fence = revocationStarted(
        partnerTenantId,
        customerTenantId,
        revoking,
        factRevision,
        scope,
      );
      const folder = streamFolderOf(streamId);
      const stream = this.streams.get(streamId) ?? { state: folder?.initialState, revision: -1 };
      if (folder) stream.state = folder.evolve(stream.state, fence);
      this.record(streamId, [fence], context, stream);
    }
  }

  removeDelegatedAdmin(admin: Actor, partnerTenantId: string): void {
    const relationship = this.stateOf(
      streamIds.relationship(partnerTenantId, admin.tenantId),
      relationshipDecider.initialState,
    ) as typeof relationshipDecider.initialState;
    const context = this.context(admin);
    const dapStream = streamIds.dapGrant(partnerTenantId, admin.tenantId);
    this.fence(context, partnerTenantId, admin.tenantId, 'DELEGATED_ADMIN', dapStream);
    this.decide(
      dapStream,
      dapGrantDecider,
      {
        type: 'RemoveDelegatedAdminPrivileges',
        actor: admin,
        partnerTenantId,
        customerTenantId: admin.tenantId,
        confirm: true,
        relationshipActive: relationship.active,
      },
      context,
    );
  }

  /** ProvisionAzureSubscriptionHandler: R22 on the relationship stream, then the subscription's own. */
  provisionSubscription(agent: Actor, customerTenantId: string): string {
    const context = this.context(agent);
    const subscriptionId = this.random.uuid();
    const [linked] = this.decide(
      streamIds.relationship(agent.tenantId, customerTenantId),
      relationshipDecider,
      {
        type: 'LinkAzureSubscription',
        actor: agent,
        partnerTenantId: agent.tenantId,
        customerTenantId,
        subscriptionId,
      },
      context,
    );
    this.decide(
      streamIds.subscription(subscriptionId),
      subscriptionRbacDecider,
      {
        type: 'ProvisionAzureSubscription',
        actor: agent,
        subscriptionId,
        ownerAssignmentId: this.random.uuid(),
        customerTenantId,
        displayName: this.random.pick(SUBSCRIPTION_NAMES),
      },
      { ...context, causationId: linked.id },
    );
    return subscriptionId;
  }

  registerSubscription(admin: Actor): string {
    const subscriptionId = this.random.uuid();
    this.decide(
      streamIds.subscription(subscriptionId),
      subscriptionRbacDecider,
      {
        type: 'RegisterAzureSubscription',
        actor: admin,
        subscriptionId,
        displayName: this.random.pick(SUBSCRIPTION_NAMES),
      },
      this.context(admin),
    );
    return subscriptionId;
  }

  assignRole(actor: Actor, subscriptionId: string, principal: Principal, role: AzureRole): string {
    const assignmentId = this.random.uuid();
    this.decide(
      streamIds.subscription(subscriptionId),
      subscriptionRbacDecider,
      { type: 'AssignSubscriptionRole', actor, subscriptionId, assignmentId, principal, role },
      this.context(actor),
    );
    return assignmentId;
  }

  removeRoleAssignment(actor: Actor, subscriptionId: string, assignmentId: string): void {
    this.decide(
      streamIds.subscription(subscriptionId),
      subscriptionRbacDecider,
      { type: 'RemoveSubscriptionRoleAssignment', actor, subscriptionId, assignmentId },
      this.context(actor),
    );
  }

  cancelSubscription(actor: Actor, subscriptionId: string): void {
    this.decide(
      streamIds.subscription(subscriptionId),
      subscriptionRbacDecider,
      { type: 'CancelAzureSubscription', actor, subscriptionId },
      this.context(actor),
    );
  }

  /** EndResellerRelationshipHandler (start, fences, end) and its follow-up (R9): DAP goes too. */
  endRelationship(admin: Actor, customerTenantId: string, activeSubscriptionIds: string[]): void {
    const context = this.context(admin);
    const partnerTenantId = admin.tenantId;
    const relationshipStream = streamIds.relationship(partnerTenantId, customerTenantId);
    const end = () => ({
      type: 'EndResellerRelationship' as const,
      actor: admin,
      partnerTenantId,
      customerTenantId,
      activeProvisionedSubscriptionIds: activeSubscriptionIds,
      atRevision: this.streams.get(relationshipStream)?.revision ?? -1,
    });
    this.decide(relationshipStream, relationshipDecider, end(), context);
    this.fence(context, partnerTenantId, customerTenantId, 'RELATIONSHIP', relationshipStream);
    const [ended] = this.decide(relationshipStream, relationshipDecider, end(), context);
    this.decide(
      streamIds.dapGrant(partnerTenantId, customerTenantId),
      dapGrantDecider,
      { type: 'RevokeDelegatedAdminOnRelationshipEnd', partnerTenantId, customerTenantId },
      { ...context, causationId: ended.id },
    );
  }

  /** CreateAutopilotProfileHandler: a new profile in the customer's registry. */
  createAutopilotProfile(agent: Actor, customerTenantId: string): string {
    const profileId = autopilotId(customerTenantId, this.random.uuid());
    const settings = AUTOPILOT_SETTINGS.filter(() => this.random.chance(0.5));
    this.decideOnRegistry(agent, customerTenantId, {
      type: 'CreateAutopilotProfile',
      profileId,
      name: this.random.pick([
        'Standard laptop',
        'Kiosk',
        'Shared device',
        'Developer workstation',
      ]),
      description: 'Provisioned by the partner for new hires',
      settings,
    });
    return profileId;
  }

  /** AddAutopilotDevicesHandler: the batch is one append to the registry, an event per device. */
  addAutopilotDevices(actor: Actor, customerTenantId: string, count: number): string[] {
    const devices = Array.from({ length: count }, () => this.deviceIdentity());
    const deviceIds = devices.map(() => autopilotId(customerTenantId, this.random.uuid()));
    this.decideOnRegistry(actor, customerTenantId, {
      type: 'AddAutopilotDevices',
      source: actor.tenantKind === 'partner' ? 'PARTNER' : 'INTUNE',
      devices,
      deviceIds,
    });
    return deviceIds;
  }

  assignAutopilotProfile(agent: Actor, deviceId: string, profileId: string): void {
    this.decideOnRegistry(agent, registryTenantOrNotFound(deviceId, 'device'), {
      type: 'AssignAutopilotProfile',
      deviceId,
      profileId,
    });
  }

  /** decideOnRegistry: a partner's pair as its streams say, then the customer's registry. */
  private decideOnRegistry(actor: Actor, customerTenantId: string, request: AutopilotRequest) {
    const pair =
      actor.tenantKind === 'partner' ? this.pairSnapshot(actor.tenantId, customerTenantId) : null;
    this.decide(
      streamIds.autopilot(customerTenantId),
      autopilotRegistryDecider,
      { ...request, actor, customerTenantId, pair, policy: this.settings.AUTOPILOT_POLICY },
      this.context(actor),
    );
  }

  /** Mostly serial + manufacturer + model; a third also carry a 4K hardware hash (~4,000 chars). */
  private deviceIdentity(): DeviceIdentityInput {
    const serialNumber = `SN${this.random.uuid().slice(0, 8).toUpperCase()}`;
    const [manufacturer, model] = this.random.pick(DEVICE_MODELS);
    if (!this.random.chance(0.3)) return { serialNumber, manufacturer, model };
    let hardwareHash = '';
    while (hardwareHash.length < 4000) hardwareHash += this.random.uuid().replace(/-/g, '');
    return {
      hardwareHash: Buffer.from(hardwareHash, 'hex').toString('base64'),
      serialNumber,
      manufacturer,
      model,
    };
  }

  /**
   * A GDAP relationship of the agent's partner with the customer, approved, with one active access
   * assignment (Helpdesk Agents: User Administrator), as the GDAP commands and scheduler record it.
   */
  activeGdap(agent: Actor, customerAdmin: Actor): string {
    const streamId = gdapStreamId(agent.tenantId);
    const relationshipId = gdapRelationshipId(agent.tenantId, this.random.uuid());
    const { USER_ADMINISTRATOR, EXCHANGE_ADMINISTRATOR } = DIRECTORY_ROLES;
    const steps: GdapCommand[] = [
      {
        type: 'CreateDelegatedAdminRelationship',
        actor: agent,
        relationshipId,
        customerTenantId: customerAdmin.tenantId,
        displayName: `GDAP ${relationshipId.slice(0, 8)}`,
        duration: 'P730D',
        roles: [USER_ADMINISTRATOR, EXCHANGE_ADMINISTRATOR],
        autoExtendDuration: 'P180D',
      },
      {
        type: 'RequestDelegatedAdminRelationshipApproval',
        actor: agent,
        relationshipId,
        approvalBaseUrl: 'https://admin.microsoft.com/gdap',
      },
      { type: 'ApproveDelegatedAdminRelationship', actor: customerAdmin, relationshipId },
      {
        type: 'CreateDelegatedAdminAccessAssignment',
        actor: agent,
        relationshipId,
        assignmentId: this.random.uuid(),
        securityGroupId: 'HELPDESK_AGENTS',
        roleTemplateIds: [USER_ADMINISTRATOR.roleTemplateId],
      },
      { type: 'RecordDueTransitions' },
    ];
    for (const command of steps) {
      this.decide(streamId, gdapDecider, command, this.context(agent));
    }
    return relationshipId;
  }

  /** Drops a finished stream's state to bound memory; its revision is not needed again. */
  forget(streamId: string): void {
    this.streams.delete(streamId);
  }

  forgetPair(partnerTenantId: string, customerTenantId: string): void {
    this.forget(streamIds.relationship(partnerTenantId, customerTenantId));
    this.forget(streamIds.dapGrant(partnerTenantId, customerTenantId));
  }

  private context(actor: Actor): Context {
    return { actor, correlationId: this.random.uuid() };
  }

  private stateOf(streamId: string, initial: unknown): unknown {
    return this.streams.get(streamId)?.state ?? initial;
  }

  private decide<Command, Event extends DomainEvent, State>(
    streamId: string,
    decider: Decider<Command, Event, State>,
    command: Command,
    context: Context,
  ): WorldEvent[] {
    const stream = this.streams.get(streamId) ?? { state: decider.initialState, revision: -1 };
    const now = this.now();
    const events = decider.decide(command, stream.state as State, now);
    if (events.length === 0) return [];
    stream.state = events.reduce(decider.evolve, stream.state as State);
    this.streams.set(streamId, stream);
    return this.record(streamId, events, context, stream);
  }

  /** Appends decided events to the stream as the store would, with the request's metadata. */
  private record(
    streamId: string,
    events: readonly DomainEvent[],
    context: Context,
    stream = this.streams.get(streamId) ?? { state: undefined, revision: -1 },
  ): WorldEvent[] {
    this.streams.set(streamId, stream);
    const now = this.now();
    const recorded: WorldEvent[] = [];
    for (const event of events) {
      const id = this.random.uuid();
      stream.revision += 1;
      recorded.push({
        id,
        streamId,
        revision: stream.revision,
        type: event.type,
        data: event.data,
        metadata: {
          correlationId: context.correlationId,
          causationId: recorded.at(-1)?.id ?? context.causationId ?? context.correlationId,
          actor: context.actor,
          occurredAt: now.toISOString(),
          schemaVersion: schemaVersionOf(event.type),
        },
      });
    }
    recorded.forEach((event) => this.emit(event));
    this.emitted += recorded.length;
    this.clock += 1 + this.random.int(2 * this.meanStepMs);
    return recorded;
  }
}

const DEVICE_MODELS: [string, string][] = [
  ['Microsoft Corporation', 'Surface Laptop 5'],
  ['Dell Inc.', 'Latitude 7440'],
  ['LENOVO', '21HM'],
  ['HP', 'EliteBook 840 G10'],
];

const SUBSCRIPTION_NAMES = [
  'Production',
  'Development and test',
  'Data platform',
  'Backup and recovery',
  'Web shop',
];

const SERVICE_REQUEST_TOPICS = [
  {
    title: 'Mailbox cannot receive external mail',
    description:
      'Since this morning the shared mailbox sales@ rejects messages from outside the organisation with a 550 5.7.1 error. Internal mail works. No transport rule was changed on our side.',
  },
  {
    title: 'Licence assignment fails for new users',
    description:
      'Assigning Microsoft 365 Business Premium to three new users fails with "insufficient licences" although the subscription shows 12 available seats.',
  },
  {
    title: 'Teams meetings drop after 30 minutes',
    description:
      'Several users report that scheduled Teams meetings end for every participant after about 30 minutes. The issue started after the tenant moved to the new meeting policy.',
  },
  {
    title: 'SharePoint site storage quota',
    description:
      'The project site has reached its storage quota; please raise it to 200 GB and confirm whether retention policies keep deleted versions.',
  },
];
