import { ConnectionType } from '../../platform/graphql/connection.type';
import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
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
export class ServiceRequestConnection extends ConnectionType(ServiceRequest) {}
