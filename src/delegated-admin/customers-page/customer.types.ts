import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { AzureSubscription } from '../../azure-subscriptions/subscription.types';
import { DelegatedAdminRelationship } from '../../gdap/gdap.types';

export enum RelationshipType {
  RESELLER = 'RESELLER',
}
registerEnumType(RelationshipType, { name: 'RelationshipType' });

export enum DelegatedAdminStatus {
  ACTIVE = 'ACTIVE',
  REMOVED = 'REMOVED',
  NONE = 'NONE',
}
registerEnumType(DelegatedAdminStatus, { name: 'DelegatedAdminStatus' });

@ObjectType({
  description: 'Delegated admin privileges of a partner in a customer tenant (R10–R12).',
})
export class DelegatedAdmin {
  @Field(() => DelegatedAdminStatus) status!: DelegatedAdminStatus;
  @Field(() => [String], { description: 'Directory roles the partner’s groups hold through DAP.' })
  roles!: string[];
  @Field(() => Date, { nullable: true, description: 'When the status last changed.' })
  since?: Date | null;
}

@ObjectType({
  description: 'A customer service, its admin portal, and whether the caller may use it now (R16).',
})
export class CustomerService {
  @Field() name!: string;
  @Field() adminPortalUrl!: string;
  @Field() usable!: boolean;
  @Field({ description: 'Why the caller may or may not use it.' }) reason!: string;
  @Field() rule!: string;
}

@ObjectType({ description: 'A row of the partner’s Customers page (R16).' })
export class Customer {
  @Field(() => ID) tenantId!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) domain?: string | null;
  @Field() relationshipSince!: Date;
  @Field({ description: 'False once the partner ended the relationship (R9).' })
  relationshipActive!: boolean;
  @Field(() => DelegatedAdmin) delegatedAdmin!: DelegatedAdmin;
  @Field(() => [AzureSubscription], {
    description: 'With the partner’s own role assignments (R16, R23).',
  })
  azureSubscriptions!: AzureSubscription[];
  @Field(() => [DelegatedAdminRelationship], {
    description:
      'The partner’s GDAP relationships with this customer: status, roles, end date, auto-extend (R60–R66). Current ones, also under asOf.',
  })
  delegatedAdminRelationships!: DelegatedAdminRelationship[];
  @Field(() => [CustomerService]) services!: CustomerService[];
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
  @Field(() => DelegatedAdmin) delegatedAdmin!: DelegatedAdmin;
}
