import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { CAPABILITY_ACTIONS } from './domain/effective-access';
import { PARTNER_ROLE_NAMES } from '../delegated-admin/domain/partner-capabilities';

export const PartnerRole = Object.fromEntries(PARTNER_ROLE_NAMES.map((role) => [role, role])) as {
  [Role in (typeof PARTNER_ROLE_NAMES)[number]]: Role;
};
registerEnumType(PartnerRole, { name: 'PartnerRole' });

export const CapabilityAction = Object.fromEntries(
  CAPABILITY_ACTIONS.map((action) => [action, action]),
) as {
  [Action in (typeof CAPABILITY_ACTIONS)[number]]: Action;
};
registerEnumType(CapabilityAction, { name: 'CapabilityAction' });

@ObjectType({
  description:
    'Whether a partner role may do one action in the customer’s tenant now, and why (R40).',
})
export class Capability {
  @Field(() => PartnerRole) role!: keyof typeof PartnerRole;
  @Field(() => CapabilityAction) action!: keyof typeof CapabilityAction;
  @Field(() => ID, { nullable: true, description: 'For subscription actions: which subscription.' })
  subscriptionId?: string | null;
  @Field() allowed!: boolean;
  @Field() reason!: string;
  @Field() rule!: string;
}

@ObjectType({
  description:
    'Whether the members of a security group the partner defined may do one action in the customer’s tenant now through that group alone (its GDAP roles), and why (R40, R67).',
})
export class GroupCapability {
  @Field(() => ID) securityGroupId!: string;
  @Field(() => CapabilityAction) action!: keyof typeof CapabilityAction;
  @Field() allowed!: boolean;
  @Field() reason!: string;
  @Field() rule!: string;
}

@ObjectType()
export class AccessReport {
  @Field(() => ID) partnerTenantId!: string;
  @Field(() => ID) customerTenantId!: string;
  @Field(() => ID, {
    nullable: true,
    description:
      'The partner user the report is about; null: its roles (also when a customer asked about a user of a partner it has no relationship with, R17).',
  })
  userId?: string | null;
  @Field() evaluatedAt!: Date;
  @Field(() => [Capability]) capabilities!: Capability[];
  @Field(() => [GroupCapability], {
    description:
      'R67: for one user (userId), each group the partner defined that it belongs to; otherwise each such group holding an active GDAP access assignment here. The directory and Autopilot actions; `role` does not narrow it.',
  })
  groupCapabilities!: GroupCapability[];
}
