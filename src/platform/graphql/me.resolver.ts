import { Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../domain/actor';
import { ActorType } from './actor.type';
import { CurrentActor } from './current-actor.decorator';

@Resolver()
export class MeResolver {
  @Query(() => ActorType, { description: 'Who the bearer token says you are.' })
  me(@CurrentActor() actor: Actor): ActorType {
    return actor;
  }
}
