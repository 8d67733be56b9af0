import { ConnectionType } from '../platform/graphql/connection.type';
import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';

@InputType()
export class OpenServiceRequestInput {
  @Field(() => ID) customerTenantId!: string;
  @Field() title!: string;
  @Field() description!: string;
}

@ObjectType({
  description: 'A service request a partner opened on a customer’s behalf (R13, R14).',
})
export class ServiceRequest {
  @Field(() => ID) id!: string;
  @Field(() => ID) partnerTenantId!: string;
  @Field(() => ID) customerTenantId!: string;
  @Field() title!: string;
  @Field() description!: string;
  @Field() openedAt!: Date;
  @Field(() => ID) openedByUserId!: string;
  @Field() openedByName!: string;
}

@ObjectType()
export class DirectoryRoleMember {
  @Field(() => ID) userId!: string;
  @Field() name!: string;
}

@ObjectType({
  description:
    'A directory role of the customer tenant and its members. Delegated roles of partners are implicit and never listed here (R11).',
})
export class DirectoryRole {
  @Field() role!: string;
  @Field(() => [DirectoryRoleMember], {
    description:
      'By name. More than GRAPHQL_MAX_LIST_ITEMS members is refused (RESPONSE_TOO_LARGE): page them with directoryRoleMembers.',
  })
  members!: readonly DirectoryRoleMember[];
}

@ObjectType()
export class DirectoryRoleMemberConnection extends ConnectionType(DirectoryRoleMember) {}
