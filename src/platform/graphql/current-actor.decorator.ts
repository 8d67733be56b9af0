import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import type { Actor } from '../domain/actor';
import type { CommandContext } from '../write/command-context';
import type { RequestContext } from './request-context';

function requestContext(execution: ExecutionContext): RequestContext {
  return GqlExecutionContext.create(execution).getContext<RequestContext>();
}

export function authenticatedActor(context: RequestContext): Actor {
  if (context.actor) return context.actor;
  throw new GraphQLError(context.authError ?? 'A bearer token is required.', {
    extensions: { code: 'UNAUTHENTICATED' },
  });
}

/** The verified caller; UNAUTHENTICATED when the request carried no valid token. */
export const CurrentActor = createParamDecorator((_: unknown, execution: ExecutionContext): Actor =>
  authenticatedActor(requestContext(execution)),
);

/** The verified caller with the request's correlation id, as commands need them. */
export const Caller = createParamDecorator(
  (_: unknown, execution: ExecutionContext): CommandContext => {
    const context = requestContext(execution);
    return { actor: authenticatedActor(context), correlationId: context.correlationId };
  },
);
