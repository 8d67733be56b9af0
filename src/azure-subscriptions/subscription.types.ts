import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PageInfo } from '../platform/graphql/page-info';
import { AZURE_ROLES } from './domain/azure-roles';

export const AzureRole = Object.fromEntries(AZURE_ROLES.map((role) => [role, role])) as {
  [Role in (typeof AZURE_ROLES)[number]]: Role;
};
registerEnumType(AzureRole, { name: 'AzureRole' });

export enum PrincipalKind {
  PARTNER_GROUP = 'PARTNER_GROUP',
  CUSTOMER_USER = 'CUSTOMER_USER',
}
registerEnumType(PrincipalKind, { name: 'PrincipalKind' });

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
    description: 'Null for a subscription the customer created itself.',
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
export class AzureSubscriptionEdge {
  @Field() cursor!: string;
  @Field(() => AzureSubscription) node!: AzureSubscription;
}

@ObjectType()
export class AzureSubscriptionConnection {
  @Field(() => [AzureSubscription]) nodes!: AzureSubscription[];
  @Field(() => [AzureSubscriptionEdge]) edges!: AzureSubscriptionEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}
