import { Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../domain/shared/actor';
import { ActorType } from './common/actor.type';
import { CurrentActor } from './common/current-actor.decorator';

@Resolver()
export class MeResolver {
  @Query(() => ActorType, { description: 'Who the bearer token says you are.' })
  me(@CurrentActor() actor: Actor): ActorType {
    return actor;
  }
}
