import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { PageInfo } from '../customers-page/customer.types';
import { ServiceRequest } from '../delegated-admin.types';

@InputType({ description: 'Narrows serviceRequests to one pair.' })
export class ServiceRequestFilterInput {
  @Field(() => ID, {
    nullable: true,
    description: 'The other side of the pair: a customer for a partner, a partner for a customer.',
  })
  tenantId?: string | null;
}

@ObjectType()
export class ServiceRequestEdge {
  @Field() cursor!: string;
  @Field(() => ServiceRequest) node!: ServiceRequest;
}

@ObjectType()
export class ServiceRequestConnection {
  @Field(() => [ServiceRequest]) nodes!: ServiceRequest[];
  @Field(() => [ServiceRequestEdge]) edges!: ServiceRequestEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}
