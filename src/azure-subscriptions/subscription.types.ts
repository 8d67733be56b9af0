import { ConnectionType } from '../platform/graphql/connection.type';
import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { AZURE_ROLES } from './domain/azure-roles';

export const AzureRole = Object.fromEntries(AZURE_ROLES.map((role) => [role, role])) as {
  [Role in (typeof AZURE_ROLES)[number]]: Role;
};
registerEnumType(AzureRole, { name: 'AzureRole' });

export enum PrincipalKind {
  PARTNER_GROUP = 'PARTNER_GROUP',
  CUSTOMER_USER = 'CUSTOMER_USER',
  CUSTOMER_GROUP = 'CUSTOMER_GROUP',
}
registerEnumType(PrincipalKind, {
  name: 'PrincipalKind',
  valuesMap: {
    CUSTOMER_GROUP: {
      description:
        'R20: a group the customer defines, named by a lower-case slug (groupId); its members are the customer’s users whose token roles name it.',
    },
  },
});

export enum PartnerGroup {
  ADMIN_AGENTS = 'ADMIN_AGENTS',
  HELPDESK_AGENTS = 'HELPDESK_AGENTS',
}
registerEnumType(PartnerGroup, { name: 'PartnerGroup' });

@ObjectType()
export class Principal {
  @Field(() => PrincipalKind) kind!: PrincipalKind;
  @Field(() => ID, { nullable: true }) partnerTenantId?: string | null;
  @Field(() => PartnerGroup, { nullable: true }) group?: PartnerGroup | null;
  @Field(() => ID, { nullable: true }) userId?: string | null;
  @Field(() => ID, { nullable: true }) groupId?: string | null;
}

@ObjectType({ description: 'A role at subscription scope for a principal (R20).' })
export class RoleAssignment {
  @Field(() => ID) id!: string;
  @Field(() => AzureRole) role!: keyof typeof AzureRole;
  @Field({ description: 'Azure’s built-in role definition id.' }) roleDefinitionId!: string;
  @Field(() => Principal) principal!: Principal;
}

@ObjectType()
export class AzureSubscription {
  @Field(() => ID) id!: string;
  @Field() displayName!: string;
  @Field(() => ID) customerTenantId!: string;
  @Field(() => ID, {
    nullable: true,
    description:
      'Null for a subscription the customer created itself, and for a partner caller that did not provision it (R17).',
  })
  provisionedByPartnerTenantId?: string | null;
  @Field() cancelled!: boolean;
  @Field(() => [RoleAssignment], {
    description: 'For a partner caller: only its own groups’ assignments.',
  })
  roleAssignments!: RoleAssignment[];
}

@InputType()
export class PrincipalInput {
  @Field(() => PrincipalKind) kind!: PrincipalKind;
  @Field(() => ID, { nullable: true }) partnerTenantId?: string;
  @Field(() => PartnerGroup, { nullable: true }) group?: PartnerGroup;
  @Field(() => ID, { nullable: true }) userId?: string;
  @Field(() => ID, {
    nullable: true,
    description: 'A CUSTOMER_GROUP’s id: 1 to 64 lower-case letters, digits and hyphens.',
  })
  groupId?: string;
}

@InputType()
export class ProvisionAzureSubscriptionInput {
  @Field(() => ID) customerTenantId!: string;
  @Field() displayName!: string;
}

@InputType()
export class RegisterAzureSubscriptionInput {
  @Field() displayName!: string;
}

@InputType()
export class AssignSubscriptionRoleInput {
  @Field(() => ID) subscriptionId!: string;
  @Field(() => PrincipalInput) principal!: PrincipalInput;
  @Field(() => AzureRole) role!: keyof typeof AzureRole;
}

@InputType()
export class RemoveSubscriptionRoleAssignmentInput {
  @Field(() => ID) subscriptionId!: string;
  @Field(() => ID) assignmentId!: string;
}

@ObjectType()
export class AzureSubscriptionConnection extends ConnectionType(AzureSubscription) {}
