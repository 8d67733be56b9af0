import { ConnectionType } from '../platform/graphql/connection.type';
import { Field, Float, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import GraphQLJSON from 'graphql-type-json';
import { ActorType } from '../platform/graphql/actor.type';

@InputType('AuditFilter', {
  description: 'Every field given narrows the log (AND), within what the caller may see (R42).',
})
export class AuditFilterInput {
  @Field(() => ID, { nullable: true }) customerTenantId?: string | null;
  @Field(() => ID, { nullable: true }) partnerTenantId?: string | null;
  @Field(() => ID, { nullable: true }) actorUserId?: string | null;
  @Field(() => [String], { nullable: true, description: 'Any of these event types.' })
  eventTypes?: string[] | null;
  @Field(() => ID, {
    nullable: true,
    description:
      'The entries of one request: its id, which the response’s x-request-id gave (R41).',
  })
  correlationId?: string | null;
  @Field(() => Date, { nullable: true, description: 'From this moment on (inclusive).' })
  from?: Date | null;
  @Field(() => Date, { nullable: true, description: 'Before this moment (exclusive).' })
  to?: Date | null;
}

@ObjectType({ description: 'One event: who, on whose behalf, when and what (R41).' })
export class AuditEntry {
  @Field(() => Float, { description: 'Global position in the event log.' }) position!: number;
  @Field() occurredAt!: Date;
  @Field() type!: string;
  @Field() streamId!: string;
  @Field(() => ActorType) actor!: ActorType;
  @Field(() => ID, { nullable: true }) partnerTenantId!: string | null;
  @Field(() => ID, { nullable: true }) customerTenantId!: string | null;
  @Field({ description: 'Shared by every event of one request.' }) correlationId!: string;
  @Field() summary!: string;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      'The event’s data, read from the event store; null when it cannot be read there (`unreadable` says why).',
  })
  data!: unknown;
  @Field(() => String, {
    nullable: true,
    description:
      'Why the event this entry records cannot be read (gone from the event store, or its stored data is not JSON: `audit verify` tells more), null when it can.',
  })
  unreadable!: unknown;
  @Field({ description: 'sha256 chaining this entry to the one before it (tamper evidence).' })
  hash!: string;
}

@ObjectType({ description: 'The audit log, newest first.' })
export class AuditConnection extends ConnectionType(AuditEntry, { edge: 'AuditEdge' }) {}

@ObjectType('RecordedEvent', {
  description: 'One event of an aggregate and the aggregate’s state after it (R43).',
})
export class HistoryEvent {
  @Field(() => Float) position!: number;
  @Field(() => Int, { description: '0-based position within the stream.' }) revision!: number;
  @Field() occurredAt!: Date;
  @Field() type!: string;
  @Field(() => ActorType, {
    nullable: true,
    description:
      'Who did it; null where R42 hides it from the caller (an event auditLog would not show them).',
  })
  actor!: ActorType | null;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'Null when the stored data cannot be read (`unreadable` says why).',
  })
  data!: unknown;
  @Field(() => String, {
    nullable: true,
    description:
      'Why the stored event cannot be read (text that is not JSON, metadata that is not an event’s), null when it can: it is listed as stored and leaves the state as it was; when its metadata is what cannot be read, it names no actor and its occurredAt is when the store recorded it.',
  })
  unreadable!: string | null;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      'Null for a stream kind without a decider, and from the first event of another tenant of the caller’s kind on (the state holds that tenant’s part, R42).',
  })
  stateAfter!: unknown;
}
