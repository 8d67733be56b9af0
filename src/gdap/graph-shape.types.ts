import { Field, ID, ObjectType } from '@nestjs/graphql';
import { UnifiedRole } from './gdap.types';
import { DelegatedAdminAccessContainerType } from './graph-shape.inputs';

/*
 * Microsoft Graph's own shapes of a GDAP relationship and access assignment, served beside this
 * API's flatter fields (graph-shape.resolver.ts): each holds the same values as the flat fields.
 */

@ObjectType({ description: 'Graph: delegatedAdminRelationshipCustomerParticipant.' })
export class DelegatedAdminRelationshipCustomerParticipant {
  @Field(() => ID) tenantId!: string;
  @Field(() => String, { nullable: true, description: 'As customerDisplayName.' })
  displayName!: string | null;
}

@ObjectType({ description: 'Graph: delegatedAdminAccessDetails, the roles requested or held.' })
export class DelegatedAdminAccessDetails {
  @Field(() => [UnifiedRole]) unifiedRoles!: readonly UnifiedRole[];
}

@ObjectType({ description: 'Graph: delegatedAdminAccessContainer, the group holding the roles.' })
export class DelegatedAdminAccessContainer {
  @Field({ description: 'The security group (securityGroupId).' })
  accessContainerId!: string;
  @Field(() => DelegatedAdminAccessContainerType)
  accessContainerType!: DelegatedAdminAccessContainerType;
}
