import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('Actor', { description: 'An authenticated user, as its verified token presented it.' })
export class ActorType {
  @Field(() => ID) userId!: string;
  @Field() name!: string;
  @Field(() => ID) tenantId!: string;
  @Field() tenantKind!: string;
  @Field(() => String, { nullable: true }) tenantName?: string;
  @Field(() => String, { nullable: true }) tenantDomain?: string;
  @Field(() => [String]) roles!: string[];
}
