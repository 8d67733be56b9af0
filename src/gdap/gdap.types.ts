import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { EmailDraft } from '../invitations/invitation.types';
import type { DateTimeValue } from '../platform/common/date-time';
import { ConnectionType } from '../platform/graphql/connection.type';
import {
  DelegatedAdminAccessContainerInput,
  DelegatedAdminAccessDetailsInput,
  DelegatedAdminRelationshipCustomerParticipantInput,
} from './graph-shape.inputs';

const GRAPH_ROLES = 'Graph’s form of roles: give one or the other.';
const CUSTOMER_NAME =
  'R60: the customer’s name, 1 to 256 characters, until its approval names it (R62); or Graph’s customer.displayName.';

/** Graph's status names (R61–R64). */
export enum DelegatedAdminRelationshipStatus {
  created = 'created',
  approvalPending = 'approvalPending',
  active = 'active',
  expiring = 'expiring',
  expired = 'expired',
  terminationRequested = 'terminationRequested',
  terminated = 'terminated',
}
registerEnumType(DelegatedAdminRelationshipStatus, { name: 'DelegatedAdminRelationshipStatus' });

export enum DelegatedAdminAccessAssignmentStatus {
  pending = 'pending',
  active = 'active',
  deleting = 'deleting',
  deleted = 'deleted',
}
registerEnumType(DelegatedAdminAccessAssignmentStatus, {
  name: 'DelegatedAdminAccessAssignmentStatus',
});

const SECURITY_GROUP =
  'ADMIN_AGENTS, HELPDESK_AGENTS, SALES_AGENTS, or a group the partner defines.';

@ObjectType({ description: 'A Microsoft Entra directory role (Graph: unifiedRole), R60.' })
export class UnifiedRole {
  @Field(() => ID) roleTemplateId!: string;
  @Field() displayName!: string;
}

@ObjectType({
  description:
    'R67: a partner security group holding directory roles in the customer now, through an active access assignment of an active or expiring GDAP relationship, until the relationship ends.',
})
export class DelegatedAdminAccessGrant {
  @Field({ description: SECURITY_GROUP })
  securityGroupId!: string;
  @Field(() => [UnifiedRole]) roles!: readonly UnifiedRole[];
  @Field(() => ID) relationshipId!: string;
  @Field() relationshipName!: string;
  @Field(() => ID) assignmentId!: string;
  @Field(() => Date) endDateTime!: DateTimeValue;
}

@ObjectType({
  description: 'A partner security group holding some of a relationship’s roles (R66).',
})
export class DelegatedAdminAccessAssignment {
  @Field(() => ID) id!: string;
  @Field(() => ID) relationshipId!: string;
  @Field({ description: SECURITY_GROUP })
  securityGroupId!: string;
  @Field(() => [UnifiedRole]) roles!: UnifiedRole[];
  @Field(() => DelegatedAdminAccessAssignmentStatus) status!: DelegatedAdminAccessAssignmentStatus;
  @Field(() => Date) createdDateTime!: DateTimeValue;
  @Field(() => Date, { description: 'When its status last changed.' })
  lastModifiedDateTime!: DateTimeValue;
}

@ObjectType({ description: 'A GDAP relationship (Graph: delegatedAdminRelationship), R60–R66.' })
export class DelegatedAdminRelationship {
  @Field(() => ID) id!: string;
  @Field() displayName!: string;
  @Field({ description: 'ISO 8601, P1D to P2Y.' }) duration!: string;
  @Field(() => ID) partnerTenantId!: string;
  @Field() partnerName!: string;
  @Field(() => ID) customerTenantId!: string;
  @Field(() => String, {
    nullable: true,
    description:
      'R60, R62: the customer’s name as the partner gave it, then as the customer names itself on approval.',
  })
  customerDisplayName?: string | null;
  @Field(() => [UnifiedRole], { description: 'The roles requested (Graph: accessDetails).' })
  roles!: UnifiedRole[];
  @Field({ description: 'PT0S (none) or P180D.' }) autoExtendDuration!: string;
  @Field(() => DelegatedAdminRelationshipStatus) status!: DelegatedAdminRelationshipStatus;
  @Field(() => String, {
    nullable: true,
    description: 'R61: the link the customer’s Global admin approves at (partner only).',
  })
  approvalUrl?: string | null;
  @Field(() => EmailDraft, { nullable: true, description: 'R61: partner only.' })
  emailDraft?: EmailDraft | null;
  @Field(() => Date, { nullable: true, description: 'R62: 90 days after approval was asked.' })
  approvalExpiresDateTime?: DateTimeValue | null;
  @Field(() => Date, { nullable: true }) activatedDateTime?: DateTimeValue | null;
  @Field(() => Date, { nullable: true }) endDateTime?: DateTimeValue | null;
  @Field(() => Date) createdDateTime!: DateTimeValue;
  @Field(() => Date) lastModifiedDateTime!: DateTimeValue;
  @Field(() => [DelegatedAdminAccessAssignment])
  accessAssignments!: DelegatedAdminAccessAssignment[];
}

/** Its page information keeps the type name it was first published with. */
@ObjectType()
export class DelegatedAdminRelationshipConnection extends ConnectionType(
  DelegatedAdminRelationship,
  { pageInfo: 'DelegatedAdminRelationshipPageInfo' },
) {}

@ObjectType({
  description: 'R63: a partner’s active relationships ending within 30, 7 and 1 days.',
})
export class ExpiringDelegatedAdminRelationships {
  @Field(() => [DelegatedAdminRelationship]) within30Days!: DelegatedAdminRelationship[];
  @Field(() => [DelegatedAdminRelationship]) within7Days!: DelegatedAdminRelationship[];
  @Field(() => [DelegatedAdminRelationship]) within1Day!: DelegatedAdminRelationship[];
}

@InputType()
export class UnifiedRoleInput {
  @Field(() => ID) roleTemplateId!: string;
  @Field(() => String, { nullable: true }) displayName?: string | null;
}

@InputType()
export class DelegatedAdminRelationshipFilter {
  @Field(() => ID, { nullable: true }) customerTenantId?: string | null;
  @Field(() => ID, { nullable: true }) partnerTenantId?: string | null;
  @Field(() => DelegatedAdminRelationshipStatus, { nullable: true })
  status?: DelegatedAdminRelationshipStatus | null;
  @Field(() => Date, {
    nullable: true,
    description: 'Only relationships whose end date is at or before this moment.',
  })
  endingBefore?: Date | null;
}

@InputType()
export class CreateDelegatedAdminRelationshipInput {
  @Field(() => ID, { nullable: true, description: 'Required, unless Graph’s customer is given.' })
  customerTenantId?: string | null;
  @Field(() => DelegatedAdminRelationshipCustomerParticipantInput, {
    nullable: true,
    description: 'Graph’s form of customerTenantId: give one or the other.',
  })
  customer?: DelegatedAdminRelationshipCustomerParticipantInput | null;
  @Field(() => String, { nullable: true, description: CUSTOMER_NAME })
  customerDisplayName?: string | null;
  @Field() displayName!: string;
  @Field({ description: 'ISO 8601 duration, P1D to P2Y (e.g. P730D).' }) duration!: string;
  @Field(() => [UnifiedRoleInput], {
    nullable: true,
    description: 'Required, unless Graph’s accessDetails is given.',
  })
  roles?: UnifiedRoleInput[] | null;
  @Field(() => DelegatedAdminAccessDetailsInput, { nullable: true, description: GRAPH_ROLES })
  accessDetails?: DelegatedAdminAccessDetailsInput | null;
  @Field(() => String, { nullable: true, description: 'PT0S (default) or P180D.' })
  autoExtendDuration?: string | null;
}

@InputType()
export class UpdateDelegatedAdminRelationshipInput {
  @Field(() => ID) relationshipId!: string;
  @Field(() => DelegatedAdminRelationshipCustomerParticipantInput, {
    nullable: true,
    description:
      'Graph: the relationship’s own customer; its displayName renames it while created.',
  })
  customer?: DelegatedAdminRelationshipCustomerParticipantInput | null;
  @Field(() => String, { nullable: true, description: `${CUSTOMER_NAME} While created.` })
  customerDisplayName?: string | null;
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => String, { nullable: true }) duration?: string | null;
  @Field(() => [UnifiedRoleInput], { nullable: true }) roles?: UnifiedRoleInput[] | null;
  @Field(() => DelegatedAdminAccessDetailsInput, { nullable: true, description: GRAPH_ROLES })
  accessDetails?: DelegatedAdminAccessDetailsInput | null;
  @Field(() => String, { nullable: true }) autoExtendDuration?: string | null;
}

@InputType()
export class DelegatedAdminRelationshipIdInput {
  @Field(() => ID) relationshipId!: string;
}

@InputType()
export class DeleteDelegatedAdminRelationshipInput extends DelegatedAdminRelationshipIdInput {}
@InputType()
export class RequestDelegatedAdminRelationshipApprovalInput extends DelegatedAdminRelationshipIdInput {}
@InputType()
export class ApproveDelegatedAdminRelationshipInput extends DelegatedAdminRelationshipIdInput {}
@InputType()
export class TerminateDelegatedAdminRelationshipInput extends DelegatedAdminRelationshipIdInput {}

@InputType()
export class CreateDelegatedAdminAccessAssignmentInput {
  @Field(() => ID) relationshipId!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Required, unless Graph’s accessContainer is given.',
  })
  securityGroupId?: string | null;
  @Field(() => DelegatedAdminAccessContainerInput, {
    nullable: true,
    description: 'Graph’s form of securityGroupId: give one or the other.',
  })
  accessContainer?: DelegatedAdminAccessContainerInput | null;
  @Field(() => [ID], {
    nullable: true,
    description: 'Required, unless Graph’s accessDetails is given.',
  })
  roleTemplateIds?: string[] | null;
  @Field(() => DelegatedAdminAccessDetailsInput, {
    nullable: true,
    description: 'Graph’s form of roleTemplateIds: give one or the other.',
  })
  accessDetails?: DelegatedAdminAccessDetailsInput | null;
}

@InputType()
export class UpdateDelegatedAdminAccessAssignmentInput {
  @Field(() => ID) relationshipId!: string;
  @Field(() => ID) assignmentId!: string;
  @Field(() => [ID], {
    nullable: true,
    description:
      'The roles the group is to hold, all of them (those left out are taken away at once). Required, unless Graph’s accessDetails is given.',
  })
  roleTemplateIds?: string[] | null;
  @Field(() => DelegatedAdminAccessDetailsInput, {
    nullable: true,
    description: 'Graph’s form of roleTemplateIds: give one or the other.',
  })
  accessDetails?: DelegatedAdminAccessDetailsInput | null;
}

@InputType()
export class DeleteDelegatedAdminAccessAssignmentInput {
  @Field(() => ID) relationshipId!: string;
  @Field(() => ID) assignmentId!: string;
}

export const GDAP_PAGE_DEFAULT = 50;
export const GDAP_PAGE_MAX = 500;

export enum PartnerGrantKind {
  DELEGATED_ADMIN = 'DELEGATED_ADMIN',
  GDAP_RELATIONSHIP = 'GDAP_RELATIONSHIP',
  GDAP_ACCESS_ASSIGNMENT = 'GDAP_ACCESS_ASSIGNMENT',
  SUBSCRIPTION_ROLE_ASSIGNMENT = 'SUBSCRIPTION_ROLE_ASSIGNMENT',
  AUTOPILOT = 'AUTOPILOT',
  RESELLER_RELATIONSHIP = 'RESELLER_RELATIONSHIP',
}
registerEnumType(PartnerGrantKind, { name: 'PartnerGrantKind' });

@ObjectType({ description: 'One grant a partner holds in the customer’s tenant (R68).' })
export class PartnerGrant {
  @Field(() => PartnerGrantKind) kind!: PartnerGrantKind;
  @Field(() => ID, { nullable: true }) id?: string | null;
  @Field() description!: string;
  @Field({ description: 'What revokePartnerAccess changes; for a grant it keeps, why.' })
  change!: string;
  @Field() endsOnRevoke!: boolean;
}

@ObjectType({ description: 'R68, R70: a partner’s grants in the caller’s tenant.' })
export class PartnerAccess {
  @Field(() => ID) partnerTenantId!: string;
  @Field(() => [PartnerGrant]) grants!: PartnerGrant[];
}
