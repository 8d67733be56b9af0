import { GraphQLError } from 'graphql';
import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../domain/actor';
import { conflict, invalidInput } from '../domain/domain-error';
import { assertOperator } from '../domain/operator-access';
import { PolicyReactor } from '../policies/policy.reactor';
import { EVENT_STORE, type EventStore } from '../event-store/event-store';
import { quote } from '../domain/ids';
import { PROJECTOR, type Projector } from '../projection-engine/projector';
import { FollowUpStatus } from './follow-up-status.type';
import { CurrentActor } from '../graphql/current-actor.decorator';
import {
  ProjectionBuildState,
  ProjectionRunStatus,
  ProjectionStatus,
} from './projection-status.type';

@Resolver()
export class OperatorResolver {
  constructor(
    @Inject(PROJECTOR) private readonly engine: Projector,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly followUps: PolicyReactor,
  ) {}

  @Query(() => FollowUpStatus)
  async followUpStatus(@CurrentActor() actor: Actor): Promise<FollowUpStatus> {
    assertOperator(actor);
    const status = this.followUps.status();
    return { ...status, lag: Math.max(0, (await this.store.headPosition()) - status.checkpoint) };
  }

  @Query(() => [ProjectionStatus])
  async projectionStatus(@CurrentActor() actor: Actor): Promise<ProjectionStatus[]> {
    assertOperator(actor);
    return this.statuses();
  }

  @Mutation(() => [ProjectionStatus], {
    description:
      'Replays every event into the named read models (all when the argument is left out; an empty list is INVALID_INPUT): beside the live ones, which serve until the new ones go live (blue/green), or in place with inPlace (emptied first).',
  })
  async rebuildProjections(
    @CurrentActor() actor: Actor,
    @Args('names', { type: () => [String], nullable: true }) names?: string[],
    @Args('inPlace', { type: () => Boolean, nullable: true, defaultValue: false })
    inPlace?: boolean,
  ): Promise<ProjectionStatus[]> {
    assertOperator(actor);
    // An empty list names nothing: read as "all" it would empty every read model (inPlace).
    if (names?.length === 0) {
      throw invalidInput(
        'names is empty: name the read models to rebuild, or leave it out for all.',
      );
    }
    const known = new Set(this.engine.projections.map((projection) => projection.name));
    const unknown = (names ?? []).filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw invalidInput(
        `Unknown projection(s): ${unknown.slice(0, 5).map(quote).join(', ')}; known: ${[...known].join(', ')}.`,
      );
    }
    try {
      await this.engine.rebuild([...new Set(names ?? [])], { inPlace: inPlace === true });
    } catch (error) {
      // Another process (the CLI, another instance) builds one of them: nothing was changed.
      if (error instanceof Error && error.name === 'BuildLockedError')
        throw conflict(error.message);
      // The worker stopped (it is restarted): a build beside the live one resumes where it was.
      if (error instanceof Error && error.name === 'RebuildInterruptedError') {
        throw new GraphQLError(
          `The rebuild did not finish: ${error.message}. A build beside the live version resumes where it stopped once the worker is back; follow projectionStatus.`,
          { extensions: { code: 'NOT_READY' } },
        );
      }
      throw error;
    }
    return this.statuses();
  }

  private async statuses(): Promise<ProjectionStatus[]> {
    return (await this.engine.status()).map(({ build, ...status }) => ({
      ...status,
      status: ProjectionRunStatus[status.status],
      ...(build ? { build: { ...build, state: ProjectionBuildState[build.state] } } : {}),
    }));
  }
}
