import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'One follow-up, by the event that triggered it.' })
export class FollowUpEvent {
  @Field(() => Float) position!: number;
  @Field() type!: string;
  @Field() reason!: string;
}

@ObjectType({
  description: 'A follow-up failing for an infrastructure reason, retried until done.',
})
export class RetryingFollowUp extends FollowUpEvent {
  @Field(() => Int) attempt!: number;
}

@ObjectType({
  description:
    'The policies that carry a command’s effects to other streams (acceptance establishes the relationship and DAP, an end removes DAP, a fenced revocation is finished).',
})
export class FollowUpStatus {
  @Field(() => Float, { description: 'Position of the last event whose follow-up is done.' })
  checkpoint!: number;
  @Field(() => Float, { description: 'Positions between the checkpoint and the newest event.' })
  lag!: number;
  @Field(() => Int, { description: 'Follow-ups a business rule refused since the server started.' })
  refused!: number;
  @Field(() => FollowUpEvent, { nullable: true }) lastRefusal!: FollowUpEvent | null;
  @Field(() => RetryingFollowUp, { nullable: true }) retrying!: RetryingFollowUp | null;
}
