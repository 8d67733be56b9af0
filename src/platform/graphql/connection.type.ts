import type { Type } from '@nestjs/common';
import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { Connection } from './connection';
import { PageInfo } from './page-info';

/** A connection's public type names, where they are not the usual ones. */
export interface ConnectionNames {
  /** Its edge type: `<Node>Edge` by default. */
  edge?: string;
  /** Its page information type: `PageInfo`'s fields under this name, `PageInfo` itself by default. */
  pageInfo?: string;
}

/**
 * The GraphQL types of a connection of `node` (API.md: `nodes`, `edges { cursor node }`,
 * `pageInfo`, `totalCount`), as NestJS's generic pagination recipe builds them: a named connection
 * class extends what this returns, and its edge type is registered here.
 */
export function ConnectionType<Node>(
  node: Type<Node>,
  names: ConnectionNames = {},
): Type<Connection<Node>> {
  @ObjectType(names.edge ?? `${node.name}Edge`)
  class Edge {
    @Field() cursor!: string;
    @Field(() => node) node!: Node;
  }

  let pageInfo: Type<PageInfo> = PageInfo;
  if (names.pageInfo) {
    @ObjectType(names.pageInfo)
    class NamedPageInfo extends PageInfo {}
    pageInfo = NamedPageInfo;
  }

  @ObjectType({ isAbstract: true })
  abstract class NodeConnection implements Connection<Node> {
    @Field(() => [node]) nodes!: Node[];
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => pageInfo) pageInfo!: PageInfo;
    @Field(() => Int) totalCount!: number;
  }
  return NodeConnection as Type<Connection<Node>>;
}
