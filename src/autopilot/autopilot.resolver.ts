import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import type { CommandContext } from '../platform/write/command-context';
import { AddAutopilotDevices } from './add-autopilot-devices';
import { AssignAutopilotProfile } from './assign-autopilot-profile';
import { CreateAutopilotProfile } from './create-autopilot-profile';
import { DeleteAutopilotProfile } from './delete-autopilot-profile';
import { RemoveAutopilotDevice } from './remove-autopilot-device';
import { UnassignAutopilotProfile } from './unassign-autopilot-profile';
import { UpdateAutopilotProfile } from './update-autopilot-profile';
import { SETTINGS, type Settings } from '../platform/config/settings';
import {
  assertMaySeeAutopilot,
  type AutopilotFacts,
  deviceOperations,
  profileOperations,
} from './domain/autopilot-access';
import type { Actor } from '../platform/domain/actor';
import { assertPartnerPageReader } from '../delegated-admin/domain/page-access';
import { notFound } from '../platform/domain/domain-error';
import { normaliseTenantId } from '../platform/domain/ids';
import {
  autopilotId,
  type AutopilotIdKind,
  normaliseAutopilotId,
  registryTenantOrNotFound,
} from './domain/autopilot-ids';
import type { RegistryAddress } from './domain/commands';
import type {
  AutopilotDeviceRow,
  AutopilotProfileRow,
  DevicePageKey,
  PagedDeviceRow,
} from '../../projections/autopilot/autopilot.queries';
import { connectionOf } from '../platform/graphql/connection';
import { decodeCursor, encodeCursor, isTextKey, pageSize } from '../platform/graphql/cursor';
import { CommandGateway } from '../platform/graphql/command-gateway';
import { Caller, CurrentActor } from '../platform/graphql/current-actor.decorator';
import { ReadSide } from '../platform/read-store/read-side';
import { boundedList } from '../platform/graphql/bounded-list';
import { AutopilotQueries } from '../../projections/autopilot/autopilot.queries';
import { CustomersQueries } from '../../projections/delegated-admin/customers.queries';
import { GdapRelationshipsQueries } from '../../projections/gdap/gdap-relationships.queries';
import { deviceOrigin, toAutopilotDevice, toAutopilotProfile } from './autopilot.mapper';
import {
  AddAutopilotDevicesInput,
  AssignAutopilotProfileInput,
  AutopilotDevice,
  AutopilotDeviceConnection,
  AutopilotDeviceFilter,
  AutopilotProfile,
  AutopilotProfileConnection,
  CreateAutopilotProfileInput,
  UpdateAutopilotProfileInput,
} from './autopilot.types';

const READ_MODELS = ['customers', 'gdap-relationships', 'autopilot', 'autopilot-device-counts'];

const isDeviceKey = (value: unknown): value is DevicePageKey =>
  typeof value === 'object' &&
  value !== null &&
  Number.isInteger((value as DevicePageKey).position) &&
  Number.isInteger((value as DevicePageKey).rowId);

const isProfileKey = isTextKey('name', 'id');

const tenantOf = (id: string) => normaliseTenantId(id, 'customerTenantId');
const deviceIdOf = (id: string) => normaliseAutopilotId(id, 'device');
const profileIdOf = (id: string) => normaliseAutopilotId(id, 'profile');

/** Who asks, and the registry a well-formed profile or device id names (autopilot-ids.ts). */
const registryOf = (
  caller: CommandContext,
  id: string,
  kind: AutopilotIdKind,
): RegistryAddress => ({
  actor: caller.actor,
  customerTenantId: registryTenantOrNotFound(id, kind),
});

/** Windows Autopilot profiles and devices of a customer (R30–R36). */
@Resolver()
export class AutopilotResolver {
  constructor(
    private readonly commands: CommandGateway,
    private readonly readSide: ReadSide,
    private readonly autopilot: AutopilotQueries,
    private readonly customers: CustomersQueries,
    private readonly gdap: GdapRelationshipsQueries,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  @Query(() => [AutopilotProfile], {
    deprecationReason: 'Use autopilotProfilesConnection: paged, with totalCount.',
  })
  async autopilotProfiles(
    @CurrentActor() actor: Actor,
    @Args('customerTenantId', { type: () => ID }) customerTenantIdInput: string,
  ): Promise<AutopilotProfile[]> {
    const customerTenantId = tenantOf(customerTenantIdInput);
    await this.readSide.ready(...READ_MODELS);
    const facts = this.visibleFacts(actor, customerTenantId);
    return boundedList(
      this.settings.GRAPHQL_MAX_LIST_ITEMS,
      (limit) => this.autopilot.profilesOf(customerTenantId, limit),
      'autopilotProfiles',
      'autopilotProfilesConnection',
    ).map((row) => this.profile(actor, row, facts));
  }

  @Query(() => AutopilotProfileConnection, {
    description: 'R30: a customer’s Autopilot profiles by name, keyset-paged.',
  })
  async autopilotProfilesConnection(
    @CurrentActor() actor: Actor,
    @Args('customerTenantId', { type: () => ID }) customerTenantIdInput: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<AutopilotProfileConnection> {
    const customerTenantId = tenantOf(customerTenantIdInput);
    const size = pageSize(first, 50, 500);
    const key = decodeCursor('autopilotProfiles', after, isProfileKey);
    await this.readSide.ready(...READ_MODELS);
    const facts = this.visibleFacts(actor, customerTenantId);
    return connectionOf(
      this.autopilot.profilePage(customerTenantId, size + 1, key),
      size,
      (row) => this.profile(actor, row, facts),
      (row: AutopilotProfileRow) =>
        encodeCursor('autopilotProfiles', { name: row.name, id: row.profile_id }),
      () => this.autopilot.countProfiles(customerTenantId),
    );
  }

  @Query(() => AutopilotDeviceConnection, {
    description:
      'R30, R31: a customer’s Autopilot devices in the order they were added, filtered by profile and by who added them, keyset-paged.',
  })
  async autopilotDevicesConnection(
    @CurrentActor() actor: Actor,
    @Args('customerTenantId', { type: () => ID }) customerTenantIdInput: string,
    @Args('filter', { type: () => AutopilotDeviceFilter, nullable: true })
    filter?: AutopilotDeviceFilter,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<AutopilotDeviceConnection> {
    const customerTenantId = tenantOf(customerTenantIdInput);
    const size = pageSize(first, 50, 500);
    const key = decodeCursor('autopilotDevices', after, isDeviceKey);
    const deviceFilter = {
      profileId: filter?.profileId != null ? profileIdOf(filter.profileId) : null,
      source: filter?.source ?? null,
    };
    await this.readSide.ready(...READ_MODELS);
    const facts = this.visibleFacts(actor, customerTenantId);
    return connectionOf(
      this.autopilot.devicePage(customerTenantId, deviceFilter, size + 1, key),
      size,
      (row) => this.device(actor, row, facts),
      (row: PagedDeviceRow) =>
        encodeCursor('autopilotDevices', { position: row.position, rowId: row.row_id }),
      () => this.autopilot.countDevices(customerTenantId, deviceFilter),
    );
  }

  @Query(() => [AutopilotDevice], {
    deprecationReason: 'Use autopilotDevicesConnection: paged, filtered, with totalCount.',
  })
  async autopilotDevices(
    @CurrentActor() actor: Actor,
    @Args('customerTenantId', { type: () => ID }) customerTenantIdInput: string,
  ): Promise<AutopilotDevice[]> {
    const customerTenantId = tenantOf(customerTenantIdInput);
    await this.readSide.ready(...READ_MODELS);
    const facts = this.visibleFacts(actor, customerTenantId);
    return boundedList(
      this.settings.GRAPHQL_MAX_LIST_ITEMS,
      (limit) => this.autopilot.devicesOf(customerTenantId, limit),
      'autopilotDevices',
      'autopilotDevicesConnection',
    ).map((row) => this.device(actor, row, facts));
  }

  @Mutation(() => AutopilotProfile, { description: 'R30, R35: a partner Admin Agent.' })
  async createAutopilotProfile(
    @Caller() caller: CommandContext,
    @Args('input') input: CreateAutopilotProfileInput,
  ): Promise<AutopilotProfile> {
    const customerTenantId = tenantOf(input.customerTenantId);
    const command = {
      type: 'CreateAutopilotProfile',
      actor: caller.actor,
      customerTenantId,
      profileId: autopilotId(customerTenantId, randomUUID()),
      name: input.name,
      description: input.description ?? null,
      settings: input.settings ?? null,
    } as const;
    return this.commands.execute(new CreateAutopilotProfile(caller, command), () =>
      this.profileById(caller.actor, command.profileId),
    );
  }

  @Mutation(() => AutopilotProfile, { description: 'R30, R35: a partner Admin Agent.' })
  async updateAutopilotProfile(
    @Caller() caller: CommandContext,
    @Args('input') input: UpdateAutopilotProfileInput,
  ): Promise<AutopilotProfile> {
    const { profileId: profileIdInput, ...changes } = input;
    const profileId = profileIdOf(profileIdInput);
    const command = {
      type: 'UpdateAutopilotProfile',
      ...registryOf(caller, profileId, 'profile'),
      profileId,
      changes,
    } as const;
    return this.commands.execute(new UpdateAutopilotProfile(caller, command), () =>
      this.profileById(caller.actor, command.profileId),
    );
  }

  @Mutation(() => Boolean, {
    description: 'R34: deleting a profile first removes it from every device that runs it.',
  })
  async deleteAutopilotProfile(
    @Caller() caller: CommandContext,
    @Args('profileId', { type: () => ID }) profileIdInput: string,
  ): Promise<boolean> {
    const profileId = profileIdOf(profileIdInput);
    const command = {
      type: 'DeleteAutopilotProfile',
      ...registryOf(caller, profileId, 'profile'),
      profileId,
    } as const;
    return this.commands.execute(new DeleteAutopilotProfile(caller, command), () => true);
  }

  @Mutation(() => [AutopilotDevice], {
    description:
      'R30, R31, R33: partner Admin or Sales Agents, or the customer’s Global admin; the whole batch or nothing.',
  })
  async addAutopilotDevices(
    @Caller() caller: CommandContext,
    @Args('input') input: AddAutopilotDevicesInput,
  ): Promise<AutopilotDevice[]> {
    const customerTenantId = tenantOf(input.customerTenantId);
    const command = {
      type: 'AddAutopilotDevices',
      actor: caller.actor,
      customerTenantId,
      source: input.source ?? null,
      devices: input.devices,
      deviceIds: input.devices.map(() => autopilotId(customerTenantId, randomUUID())),
    } as const;
    return this.commands.execute(new AddAutopilotDevices(caller, command), async () => {
      await this.readSide.ready(...READ_MODELS);
      const facts = this.facts(caller.actor, customerTenantId);
      return this.autopilot
        .devices(command.deviceIds)
        .map((row) => this.device(caller.actor, row, facts));
    });
  }

  @Mutation(() => AutopilotDevice, { description: 'R30, R32, R35: a partner Admin Agent.' })
  async assignAutopilotProfile(
    @Caller() caller: CommandContext,
    @Args('input') input: AssignAutopilotProfileInput,
  ): Promise<AutopilotDevice> {
    const deviceId = deviceIdOf(input.deviceId);
    const command = {
      type: 'AssignAutopilotProfile',
      ...registryOf(caller, deviceId, 'device'),
      deviceId,
      profileId: profileIdOf(input.profileId),
    } as const;
    return this.commands.execute(new AssignAutopilotProfile(caller, command), () =>
      this.deviceById(caller.actor, command.deviceId),
    );
  }

  @Mutation(() => AutopilotDevice, { description: 'R34: the profile itself stays.' })
  async unassignAutopilotProfile(
    @Caller() caller: CommandContext,
    @Args('deviceId', { type: () => ID }) deviceIdInput: string,
  ): Promise<AutopilotDevice> {
    const deviceId = deviceIdOf(deviceIdInput);
    const command = {
      type: 'UnassignAutopilotProfile',
      ...registryOf(caller, deviceId, 'device'),
      deviceId,
    } as const;
    return this.commands.execute(new UnassignAutopilotProfile(caller, command), () =>
      this.deviceById(caller.actor, command.deviceId),
    );
  }

  @Mutation(() => Boolean, { description: 'R32, R35: a partner Admin Agent.' })
  async removeAutopilotDevice(
    @Caller() caller: CommandContext,
    @Args('deviceId', { type: () => ID }) deviceIdInput: string,
  ): Promise<boolean> {
    const deviceId = deviceIdOf(deviceIdInput);
    const command = {
      type: 'RemoveAutopilotDevice',
      ...registryOf(caller, deviceId, 'device'),
      deviceId,
    } as const;
    return this.commands.execute(new RemoveAutopilotDevice(caller, command), () => true);
  }

  /**
   * The caller's relationship, DAP and GDAP grants in force with the customer, as the read models
   * show them now: what the commands decide on (R35 reads GDAP's roles as DAP, R67).
   */
  private facts(actor: Actor, customerTenantId: string): AutopilotFacts {
    const row = this.customers.relationship(actor.tenantId, customerTenantId);
    const gdapGrants =
      actor.tenantKind === 'partner'
        ? this.gdap.grants(actor.tenantId, customerTenantId, this.readSide.now())
        : [];
    const listedThroughGdap =
      actor.tenantKind === 'partner' &&
      row === undefined &&
      this.customers.pair(actor.tenantId, customerTenantId)?.active === 1;
    return {
      relationshipActive: row !== undefined,
      dapStatus: row?.dap_status ?? 'NONE',
      policy: this.settings.AUTOPILOT_POLICY,
      gdapGrants,
      listedThroughGdap,
    };
  }

  private visibleFacts(actor: Actor, customerTenantId: string): AutopilotFacts {
    assertPartnerPageReader(actor);
    const facts = this.facts(actor, customerTenantId);
    assertMaySeeAutopilot(actor, customerTenantId, facts);
    return facts;
  }

  private profile(actor: Actor, row: AutopilotProfileRow, facts: AutopilotFacts) {
    return toAutopilotProfile(row, profileOperations(actor, row.customer_tenant_id, facts));
  }

  private device(actor: Actor, row: AutopilotDeviceRow, facts: AutopilotFacts) {
    const view = {
      customerTenantId: row.customer_tenant_id,
      addedBy: deviceOrigin(row),
      profileId: row.profile_id,
    };
    return toAutopilotDevice(row, deviceOperations(actor, view, facts), actor);
  }

  private async profileById(actor: Actor, profileId: string): Promise<AutopilotProfile> {
    await this.readSide.ready(...READ_MODELS);
    const row = this.autopilot.profile(profileId);
    if (!row) throw notFound('No such Autopilot profile.');
    return this.profile(actor, row, this.facts(actor, row.customer_tenant_id));
  }

  private async deviceById(actor: Actor, deviceId: string): Promise<AutopilotDevice> {
    await this.readSide.ready(...READ_MODELS);
    const row = this.autopilot.device(deviceId);
    if (!row) throw notFound('No such Autopilot device.');
    return this.device(actor, row, this.facts(actor, row.customer_tenant_id));
  }
}
