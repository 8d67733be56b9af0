import { ID, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import {
  DelegatedAdminAccessAssignment,
  DelegatedAdminRelationship,
  UnifiedRole,
} from './gdap.types';
import { DelegatedAdminAccessContainerType } from './graph-shape.inputs';
import {
  DelegatedAdminAccessContainer,
  DelegatedAdminAccessDetails,
  DelegatedAdminRelationshipCustomerParticipant,
} from './graph-shape.types';

/** Graph's shape of a relationship beside its flat fields: customer, accessDetails. */
@Resolver(() => DelegatedAdminRelationship)
export class GraphShapedRelationshipResolver {
  @ResolveField(() => DelegatedAdminRelationshipCustomerParticipant, {
    description: 'Graph’s form of customerTenantId and customerDisplayName.',
  })
  customer(
    @Parent() relationship: DelegatedAdminRelationship,
  ): DelegatedAdminRelationshipCustomerParticipant {
    return {
      tenantId: relationship.customerTenantId,
      displayName: relationship.customerDisplayName ?? null,
    };
  }

  @ResolveField(() => DelegatedAdminAccessDetails, { description: 'Graph’s form of roles.' })
  accessDetails(@Parent() relationship: DelegatedAdminRelationship): DelegatedAdminAccessDetails {
    return { unifiedRoles: relationship.roles };
  }
}

/** Graph's shape of an access assignment beside its flat fields: accessContainer, accessDetails. */
@Resolver(() => DelegatedAdminAccessAssignment)
export class GraphShapedAssignmentResolver {
  @ResolveField(() => DelegatedAdminAccessContainer, {
    description: 'Graph’s form of securityGroupId.',
  })
  accessContainer(
    @Parent() assignment: DelegatedAdminAccessAssignment,
  ): DelegatedAdminAccessContainer {
    return {
      accessContainerId: assignment.securityGroupId,
      accessContainerType: DelegatedAdminAccessContainerType.securityGroup,
    };
  }

  @ResolveField(() => DelegatedAdminAccessDetails, { description: 'Graph’s form of roles.' })
  accessDetails(@Parent() assignment: DelegatedAdminAccessAssignment): DelegatedAdminAccessDetails {
    return { unifiedRoles: assignment.roles };
  }
}

/** Graph names a role by roleDefinitionId: the same template id. */
@Resolver(() => UnifiedRole)
export class GraphShapedRoleResolver {
  @ResolveField(() => ID, { description: 'Graph’s name for roleTemplateId.' })
  roleDefinitionId(@Parent() role: UnifiedRole): string {
    return role.roleTemplateId;
  }
}
