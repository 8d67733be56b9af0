import { ConnectionType } from '../platform/graphql/connection.type';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import {
  AUTOPILOT_OPERATIONS,
  type AutopilotOperation as Operation,
} from './domain/autopilot-access';
import {
  AUTOPILOT_SETTINGS,
  type AutopilotSetting as Setting,
  DEVICE_SOURCES,
  type DeviceSource as Source,
} from './domain/events';

const enumOf = <Value extends string>(values: readonly Value[]) =>
  Object.fromEntries(values.map((value) => [value, value])) as { [Key in Value]: Key };

export const AutopilotSetting = enumOf(AUTOPILOT_SETTINGS);
registerEnumType(AutopilotSetting, { name: 'AutopilotSetting' });
export const DeviceSource = enumOf(DEVICE_SOURCES);
registerEnumType(DeviceSource, {
  name: 'DeviceSource',
  description: 'Who added a device (R31). Partners always add as PARTNER.',
});
export const AutopilotOperation = enumOf(AUTOPILOT_OPERATIONS);
registerEnumType(AutopilotOperation, { name: 'AutopilotOperation' });

@InputType()
export class CreateAutopilotProfileInput {
  @Field(() => ID) customerTenantId!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [AutopilotSetting], { nullable: true }) settings?: Setting[] | null;
}

@InputType({ description: 'Omitted fields stay as they are; a null description clears it.' })
export class UpdateAutopilotProfileInput {
  @Field(() => ID) profileId!: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [AutopilotSetting], { nullable: true }) settings?: Setting[] | null;
}

@InputType({
  description:
    'R33: a hardware hash (alone, or with product key and/or serial number), a product key, or serial number + manufacturer + model.',
})
export class DeviceIdentityInput {
  @Field(() => String, { nullable: true }) hardwareHash?: string | null;
  @Field(() => String, { nullable: true }) productKey?: string | null;
  @Field(() => String, { nullable: true }) serialNumber?: string | null;
  @Field(() => String, { nullable: true }) manufacturer?: string | null;
  @Field(() => String, { nullable: true }) model?: string | null;
}

@InputType()
export class AddAutopilotDevicesInput {
  @Field(() => ID) customerTenantId!: string;
  @Field(() => DeviceSource, {
    nullable: true,
    description: 'Partners: PARTNER or nothing. The customer: how it added the devices.',
  })
  source?: Source | null;
  @Field(() => [DeviceIdentityInput]) devices!: DeviceIdentityInput[];
}

@InputType()
export class AssignAutopilotProfileInput {
  @Field(() => ID) deviceId!: string;
  @Field(() => ID) profileId!: string;
}

@ObjectType({ description: 'Who added a device (R31).' })
export class AutopilotDeviceAddedBy {
  @Field(() => DeviceSource) source!: Source;
  @Field(() => ID, { nullable: true, description: 'The partner, when source is PARTNER.' })
  partnerTenantId!: string | null;
}

@ObjectType()
export class AutopilotDevice {
  @Field(() => ID) id!: string;
  @Field(() => ID) customerTenantId!: string;
  @Field(() => String, { nullable: true }) serialNumber!: string | null;
  @Field(() => String, { nullable: true }) productKey!: string | null;
  @Field(() => String, { nullable: true }) hardwareHash!: string | null;
  @Field(() => String, { nullable: true }) manufacturer!: string | null;
  @Field(() => String, { nullable: true }) model!: string | null;
  @Field(() => AutopilotDeviceAddedBy) addedBy!: AutopilotDeviceAddedBy;
  @Field() addedAt!: Date;
  @Field(() => ID, { nullable: true }) profileId!: string | null;
  @Field(() => [AutopilotOperation], {
    description: 'R36: what the caller may do on this device now.',
  })
  allowedOperations!: Operation[];
}

@ObjectType()
export class AutopilotProfile {
  @Field(() => ID) id!: string;
  @Field(() => ID) customerTenantId!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => [AutopilotSetting]) settings!: Setting[];
  @Field(() => Int) devicesAssignedCount!: number;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
  @Field(() => [AutopilotOperation], {
    description: 'R36: what the caller may do on this profile now.',
  })
  allowedOperations!: Operation[];
}

@InputType({
  description: 'Narrows a customer’s Autopilot devices; every condition given must hold.',
})
export class AutopilotDeviceFilter {
  @Field(() => ID, { nullable: true, description: 'Devices running this profile.' })
  profileId?: string | null;
  @Field(() => DeviceSource, { nullable: true, description: 'Devices added this way (R31).' })
  source?: Source | null;
}

@ObjectType()
export class AutopilotDeviceConnection extends ConnectionType(AutopilotDevice) {}

@ObjectType()
export class AutopilotProfileConnection extends ConnectionType(AutopilotProfile) {}
