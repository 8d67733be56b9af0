import { ConnectionType } from '../../platform/graphql/connection.type';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { AzureSubscription } from '../../azure-subscriptions/subscription.types';
import { PageInfo } from '../../platform/graphql/page-info';
import { ROW_SUBSCRIPTIONS } from '../../../projections/azure-subscriptions/partner-subscriptions.queries';
import { DelegatedAdminAccessGrant, DelegatedAdminRelationship } from '../../gdap/gdap.types';
import type { GdapGrant } from '../../platform/domain/gdap-grants';

export enum RelationshipType {
  RESELLER = 'RESELLER',
  GRANULAR_DELEGATED_ADMIN = 'GRANULAR_DELEGATED_ADMIN',
}
registerEnumType(RelationshipType, {
  name: 'RelationshipType',
  valuesMap: {
    RESELLER: {
      description:
        'A reseller relationship (R1), with or without DAP and GDAP; on the Customers page, also one the partner ended (relationshipActive false) while no GDAP relationship is in force.',
    },
    GRANULAR_DELEGATED_ADMIN: {
      description:
        'GDAP relationships in force (R62, R67) and no reseller relationship active: since is when the earliest of them was approved. On the Customers page (R16), also a customer never in a reseller relationship whose GDAP relationships all ended.',
    },
  },
});

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
  @Field(() => String, {
    nullable: true,
    description: 'Null where the portal needs the customer’s domain and none is on record.',
  })
  adminPortalUrl!: string | null;
  @Field(() => String, { nullable: true, description: 'Why adminPortalUrl is null.' })
  adminPortalUrlMissing!: string | null;
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
  @Field({
    description:
      'True while a relationship lists the customer (relationshipType): false once the partner ended the reseller relationship (R9) and no GDAP relationship is in force (R63, R64).',
  })
  relationshipActive!: boolean;
  @Field(() => RelationshipType, {
    description:
      'R16: what lists the customer: its reseller relationship, or GDAP relationships in force with no reseller relationship active (no DAP then); once none is left, what last listed it. relationshipSince is that relationship’s.',
  })
  relationshipType!: RelationshipType;
  @Field(() => DelegatedAdmin) delegatedAdmin!: DelegatedAdmin;
  @Field(() => [AzureSubscription], {
    description: `The partner's subscriptions in this customer (provisioned by it, or on which its groups hold a role), with its own role assignments (R16, R17, R23): the first ${ROW_SUBSCRIPTIONS} by name; azureSubscriptionsConnection(customerTenantId) pages them all.`,
  })
  azureSubscriptions!: AzureSubscription[];
  @Field({
    description: `True when the partner has more than the ${ROW_SUBSCRIPTIONS} subscriptions azureSubscriptions lists here.`,
  })
  azureSubscriptionsTruncated!: boolean;
  @Field(() => [DelegatedAdminRelationship], {
    description:
      'The partner’s GDAP relationships with this customer: status, roles, end date, auto-extend (R60–R66). As they stood at asOf on a past page.',
  })
  delegatedAdminRelationships!: DelegatedAdminRelationship[];
  @Field(() => [CustomerService]) services!: CustomerService[];
  @Field(() => [DelegatedAdminAccessGrant], {
    name: 'gdapAccess',
    description:
      'R67: which of the partner’s groups hold which directory roles here through GDAP now (at asOf on a past page), each until its relationship ends: the grants services counts.',
  })
  gdapGrants!: readonly GdapGrant[];
}

@ObjectType()
export class CustomerConnection extends ConnectionType(Customer) {}

@ObjectType({ description: 'A row of the customer’s Partner relationships page (R15).' })
export class PartnerRelationship {
  @Field(() => ID) partnerTenantId!: string;
  @Field() partnerName!: string;
  @Field(() => ID) customerTenantId!: string;
  @Field() customerName!: string;
  @Field(() => RelationshipType) relationshipType!: RelationshipType;
  @Field() since!: Date;
  @Field({
    description:
      'Always true on the page; false in partnerRelationshipsChanged when the change took the partner off it.',
  })
  relationshipActive!: boolean;
  @Field(() => DelegatedAdmin) delegatedAdmin!: DelegatedAdmin;
}

export enum CustomerSort {
  NAME = 'NAME',
  SINCE = 'SINCE',
  DAP_CHANGED = 'DAP_CHANGED',
}
registerEnumType(CustomerSort, {
  name: 'CustomerSort',
  description:
    'NAME: by name, accents and case ignored; SINCE: when the relationship began; DAP_CHANGED: when DAP last changed (never first).',
});

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, { name: 'SortDirection' });

@InputType({ description: 'Rows where this service is (or is not) usable by the caller now.' })
export class CustomerServiceFilter {
  @Field({ description: 'A service name as `services { name }` gives it, e.g. "Exchange".' })
  name!: string;
  @Field() usable!: boolean;
}

@InputType({ description: 'Narrows the Customers page; every condition given must hold.' })
export class CustomerFilter {
  @Field(() => [DelegatedAdminStatus], { nullable: true })
  delegatedAdminStatus?: DelegatedAdminStatus[] | null;
  @Field(() => Boolean, {
    nullable: true,
    description:
      'true (the default): customers with a relationship in force, reseller or GDAP (R16); false: those whose relationships all ended.',
  })
  relationshipActive?: boolean | null;
  @Field(() => CustomerServiceFilter, { nullable: true })
  service?: CustomerServiceFilter | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'Whether the customer has a live Azure subscription the caller sees.',
  })
  hasAzureSubscriptions?: boolean | null;
}

@ObjectType({
  description:
    'A page of the filtered Customers page as CSV (RFC 4180, CRLF); the header line opens the first page only.',
})
export class CustomersCsvPage {
  @Field() csv!: string;
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}
