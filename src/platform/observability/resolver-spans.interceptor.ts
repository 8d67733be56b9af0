import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { type GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { context, trace } from '@opentelemetry/api';
import type { GraphQLResolveInfo } from 'graphql';
import { finalize, type Observable, tap } from 'rxjs';
import { failed, tracer } from './tracing';

/** A span around each root field's resolver (registered only when tracing is on). */
@Injectable()
export class ResolverSpans implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (execution.getType<GqlContextType>() !== 'graphql') return next.handle();
    const info = GqlExecutionContext.create(execution).getInfo<GraphQLResolveInfo>();
    if (info.path.prev) return next.handle();
    const span = tracer().startSpan(`resolve ${info.parentType.name}.${info.fieldName}`, {
      attributes: {
        'graphql.field.name': info.fieldName,
        'graphql.operation.type': info.operation.operation,
      },
    });
    return context
      .with(trace.setSpan(context.active(), span), () => next.handle())
      .pipe(
        tap({ error: (error: unknown) => failed(span, error) }),
        finalize(() => span.end()),
      );
  }
}
