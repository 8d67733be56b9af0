import type { SqlParams, SqlRunner } from '../read-store/read-store';
import type { Projection } from './projection';

const INDEX_NAME = /\bINDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?"?(\w+)"?/gi;
/** Single-quoted SQL string literals: never renamed (they are data, not names). */
const STRING_LITERAL = /('(?:[^']|'')*')/;

/** The indexes a projection's DDL creates (they share SQLite's one namespace with the tables). */
export function indexNamesOf(projection: Projection): string[] {
  return [...projection.schema, ...(projection.queryIndexes ?? [])].flatMap((ddl) =>
    [...ddl.matchAll(INDEX_NAME)].map((match) => match[1]),
  );
}

/**
 * Rewrites a projection's SQL so its names carry a suffix: a version built beside the live one
 * has its own tables and indexes (`customers__v5_m3x…`), and the handlers and DDL, written for
 * the plain names, run unchanged against them. Rewritten texts are cached (handlers are hot).
 */
export class Renamer {
  private readonly pattern?: RegExp;
  private readonly cache = new Map<string, string>();

  constructor(
    names: readonly string[],
    readonly suffix: string,
  ) {
    if (suffix !== '' && names.length > 0) {
      this.pattern = new RegExp(`\\b(${names.join('|')})\\b`, 'g');
    }
  }

  sql(text: string): string {
    if (!this.pattern) return text;
    let renamed = this.cache.get(text);
    if (renamed === undefined) {
      renamed = text
        .split(STRING_LITERAL)
        .map((part, index) =>
          index % 2 === 1 ? part : part.replace(this.pattern!, `$1${this.suffix}`),
        )
        .join('');
      this.cache.set(text, renamed);
    }
    return renamed;
  }
}

/** A version being built: its tables and indexes all carry `suffix`. */
export const buildNames = (projection: Projection, suffix: string): Renamer =>
  new Renamer([...projection.tables, ...indexNamesOf(projection)], suffix);

/**
 * A live version that was built beside another: its tables were renamed to the plain names when
 * it went live, its indexes (SQLite cannot rename one) still carry the suffix of its build.
 */
export const liveIndexNames = (projection: Projection, suffix: string): Renamer =>
  new Renamer(indexNamesOf(projection), suffix);

/** `db` as a projection's handlers see it, with every statement renamed. */
export function renamedRunner(db: SqlRunner, renamer: Renamer): SqlRunner {
  return {
    run: (sql: string, params?: SqlParams) => db.run(renamer.sql(sql), params),
    get: <Row>(sql: string, params?: SqlParams) => db.get<Row>(renamer.sql(sql), params),
    all: <Row>(sql: string, params?: SqlParams) => db.all<Row>(renamer.sql(sql), params),
  };
}
