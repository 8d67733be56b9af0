import type { Type } from '@nestjs/common';
import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { Connection } from './connection';
import { PageInfo } from './page-info';

/**
 * The GraphQL types of a connection of `node` (API.md: `nodes`, `edges { cursor node }`,
 * `pageInfo`, `totalCount`), as NestJS's generic pagination recipe builds them: a named connection
 * class extends what this returns, and its edge type is registered here as `edgeName`.
 */
export function ConnectionType<Node>(
  node: Type<Node>,
  edgeName = `${node.name}Edge`,
): Type<Connection<Node>> {
  @ObjectType(edgeName)
  class Edge {
    @Field() cursor!: string;
    @Field(() => node) node!: Node;
  }

  @ObjectType({ isAbstract: true })
  abstract class NodeConnection implements Connection<Node> {
    @Field(() => [node]) nodes!: Node[];
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    @Field(() => Int) totalCount!: number;
  }
  return NodeConnection as Type<Connection<Node>>;
}
