import type { PageInfo } from './page-info';

export interface Connection<Node> {
  nodes: Node[];
  edges: { cursor: string; node: Node }[];
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * A connection from a keyset page read with one row more than `size` (that row only says there is
 * a next page). Edges (a cursor per row) and the total (a COUNT that grows with the data) are
 * computed only when the query selects them.
 */
export function connectionOf<Row, Node>(
  rows: readonly Row[],
  size: number,
  toNode: (row: Row) => Node,
  cursorOf: (row: Row) => string,
  count: () => number,
): Connection<Node> {
  const page = rows.slice(0, size);
  const nodes = page.map(toNode);
  const last = page.at(-1);
  return {
    nodes,
    get edges() {
      return nodes.map((node, index) => ({ cursor: cursorOf(page[index]), node }));
    },
    pageInfo: {
      hasNextPage: rows.length > size,
      endCursor: last === undefined ? null : cursorOf(last),
    },
    get totalCount() {
      return count();
    },
  };
}
