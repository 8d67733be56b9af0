import { Field, ObjectType } from '@nestjs/graphql';

/** Every connection's page information (API.md: `pageInfo { hasNextPage endCursor }`). */
@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor?: string | null;
}
