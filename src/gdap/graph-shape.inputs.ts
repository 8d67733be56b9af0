import { Field, ID, InputType, registerEnumType } from '@nestjs/graphql';

/*
 * Microsoft Graph's own shapes of a GDAP relationship's and an access assignment's inputs
 * (customer, accessDetails.unifiedRoles[].roleDefinitionId, accessContainer), accepted in place
 * of this API's flatter fields, so a body written for Graph's delegatedAdminRelationship
 * resources works as it is (graph-shape.ts says which form an input used).
 */

export enum DelegatedAdminAccessContainerType {
  securityGroup = 'securityGroup',
}
registerEnumType(DelegatedAdminAccessContainerType, {
  name: 'DelegatedAdminAccessContainerType',
});

@InputType({ description: 'Graph: the customer a relationship is created for.' })
export class DelegatedAdminRelationshipCustomerParticipantInput {
  @Field(() => ID) tenantId!: string;
  @Field(() => String, {
    nullable: true,
    description:
      'R60: the customer’s name (1 to 256 characters) until its approval names it (R62).',
  })
  displayName?: string | null;
}

@InputType({ description: 'Graph: unifiedRole, a directory role by its template id.' })
export class GraphUnifiedRoleInput {
  @Field(() => ID) roleDefinitionId!: string;
}

@InputType({ description: 'Graph: delegatedAdminAccessDetails, the roles requested or assigned.' })
export class DelegatedAdminAccessDetailsInput {
  @Field(() => [GraphUnifiedRoleInput]) unifiedRoles!: GraphUnifiedRoleInput[];
}

@InputType({ description: 'Graph: delegatedAdminAccessContainer, the group to assign roles to.' })
export class DelegatedAdminAccessContainerInput {
  @Field({ description: 'The security group (as securityGroupId).' })
  accessContainerId!: string;
  @Field(() => DelegatedAdminAccessContainerType, {
    nullable: true,
    description: 'securityGroup, the only kind (the default).',
  })
  accessContainerType?: DelegatedAdminAccessContainerType | null;
}
