import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum RelationshipType {
  RESELLER = 'RESELLER',
}
registerEnumType(RelationshipType, { name: 'RelationshipType' });

@ObjectType({ description: 'A row of the partner’s Customers page (R16).' })
export class Customer {
  @Field(() => ID) tenantId!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) domain?: string | null;
  @Field() relationshipSince!: Date;
}

@ObjectType()
export class CustomerEdge {
  @Field() cursor!: string;
  @Field(() => Customer) node!: Customer;
}

@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor?: string | null;
}

@ObjectType()
export class CustomerConnection {
  @Field(() => [Customer]) nodes!: Customer[];
  @Field(() => [CustomerEdge]) edges!: CustomerEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

@ObjectType({ description: 'A row of the customer’s Partner relationships page (R15).' })
export class PartnerRelationship {
  @Field(() => ID) partnerTenantId!: string;
  @Field() partnerName!: string;
  @Field(() => ID) customerTenantId!: string;
  @Field() customerName!: string;
  @Field(() => RelationshipType) relationshipType!: RelationshipType;
  @Field() since!: Date;
}
