import { Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum ProjectionRunStatus {
  LIVE = 'LIVE',
  CATCHING_UP = 'CATCHING_UP',
  REBUILDING = 'REBUILDING',
  FAILED = 'FAILED',
}
registerEnumType(ProjectionRunStatus, { name: 'ProjectionRunStatus' });

export enum ProjectionBuildState {
  BUILDING = 'BUILDING',
  SWITCHING = 'SWITCHING',
  FAILED = 'FAILED',
}
registerEnumType(ProjectionBuildState, {
  name: 'ProjectionBuildState',
  description:
    'BUILDING: replaying the events; SWITCHING: caught up once, goes live at the head; FAILED: stopped at a poison event (FAIL policy), the live version still served.',
});

@ObjectType({
  description:
    'A version of a read model being built beside the live one (blue/green); the live one serves until it switches.',
})
export class ProjectionBuildStatus {
  @Field(() => Int) version!: number;
  @Field(() => Float, { description: 'Global position of the last event the build applied.' })
  checkpoint!: number;
  @Field(() => Float, {
    description: "Positions between the build's checkpoint and the newest event.",
  })
  lag!: number;
  @Field(() => Float, { description: "The build's checkpoint over the newest position, 0 to 1." })
  progress!: number;
  @Field(() => ProjectionBuildState) state!: ProjectionBuildState;
  @Field(() => String, {
    nullable: true,
    description: 'Who holds the build lock (host:pid:thread:id); null once failed.',
  })
  owner!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'When the lock expires unless renewed (ISO 8601).',
  })
  leaseExpiresAt!: string | null;
  @Field(() => String, { nullable: true }) error?: string;
  @Field(() => Int, { description: 'Events the build set aside (dead letters).' })
  deadLetters!: number;
  @Field({
    description:
      'True when the live version is the one being rebuilt (a same-version rebuild) or the one the new version declares as its previous: the live one goes on applying new events until the switch (read-your-writes holds). False: the live one is served as it was left.',
  })
  liveKeptUp!: boolean;
}

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
  @Field(() => ProjectionBuildStatus, {
    nullable: true,
    description: 'The version being built beside this one, while there is one.',
  })
  build?: ProjectionBuildStatus;
}
