import { Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum ProjectionRunStatus {
  LIVE = 'LIVE',
  CATCHING_UP = 'CATCHING_UP',
  REBUILDING = 'REBUILDING',
  FAILED = 'FAILED',
}
registerEnumType(ProjectionRunStatus, { name: 'ProjectionRunStatus' });

@ObjectType()
export class ProjectionStatus {
  @Field() name!: string;
  @Field(() => Int) version!: number;
  @Field(() => Float, { description: 'Global position of the last event applied.' })
  checkpoint!: number;
  @Field(() => Float, { description: 'Positions between the checkpoint and the newest event.' })
  lag!: number;
  @Field(() => ProjectionRunStatus) status!: ProjectionRunStatus;
  @Field(() => String, { nullable: true }) error?: string;
  @Field(() => Int, {
    description: 'Events set aside after its handlers kept throwing on them (dead letters).',
  })
  deadLetters!: number;
}
