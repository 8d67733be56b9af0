import {
  getNamedType,
  type GraphQLArgument,
  GraphQLEnumType,
  type GraphQLField,
  GraphQLInputObjectType,
  type GraphQLInputType,
  GraphQLList,
  GraphQLNonNull,
  type GraphQLOutputType,
  type GraphQLScalarType,
  type GraphQLSchema,
  isLeafType,
  isObjectType,
} from 'graphql';

/** A seeded generator (the same seed, the same operations), as the bench's Random. */
class Seeded {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state * 1103515245 + 12345) % 2147483648;
    return this.state / 2147483648;
  }
  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.next() * values.length)];
  }
}

/** Strings no id, name or duration should be: every one must be refused with a clear code. */
const HOSTILE = ['', ' ', 'x'.repeat(3000), '\u0000', '💥', 'a b', '-1', '../x', 'null'];

/** Values the API knows, by argument or input field name, so that some operations get far. */
const KNOWN: Record<string, readonly string[]> = {
  customertenantid: ['fabrikam', 'fabrikam', 'northwind'],
  partnertenantid: ['contoso-partners', 'contoso-partners', 'other-partners'],
  roletemplateid: ['62e90394-69f5-4237-9190-012177145e10', '729827e3-9c14-49f7-bb1b-9608f156bbb8'],
  duration: ['P730D', 'P1D', 'P90D', 'P3Y'],
  autoextendduration: ['PT0S', 'P180D'],
  securitygroupid: ['ADMIN_AGENTS', 'HELPDESK_AGENTS', 'tier-two'],
  streamid: ['relationship-contoso-partners_fabrikam', 'dapgrant-contoso-partners_fabrikam'],
};

/**
 * Random operations on every query and mutation of a schema, with variables of each argument's
 * type: known values by name, ids seen in earlier answers (`learn`), hostile strings, edge
 * numbers, nulls, and whole selections of the answer's fields.
 */
export class SchemaFuzz {
  private readonly random: Seeded;
  private readonly ids = new Set<string>();
  private readonly operations: ['query' | 'mutation', GraphQLField<unknown, unknown>][];

  constructor(schema: GraphQLSchema, seed: number) {
    this.random = new Seeded(seed);
    this.operations = [
      ...Object.values(schema.getQueryType()!.getFields()).map((f) => ['query', f] as const),
      ...Object.values(schema.getMutationType()!.getFields()).map((f) => ['mutation', f] as const),
    ] as ['query' | 'mutation', GraphQLField<unknown, unknown>][];
  }

  /** The next operation: its name, document and variables. */
  next(): { name: string; query: string; variables: Record<string, unknown> } {
    const [kind, field] = this.random.pick(this.operations);
    const variables: Record<string, unknown> = {};
    const declared: string[] = [];
    const passed: string[] = [];
    field.args.forEach((arg: GraphQLArgument, index) => {
      if (!(arg.type instanceof GraphQLNonNull) && this.random.next() < 0.4) return;
      declared.push(`$v${index}: ${String(arg.type)}`);
      passed.push(`${arg.name}: $v${index}`);
      variables[`v${index}`] = this.value(arg.type, arg.name);
    });
    const header = declared.length > 0 ? `(${declared.join(', ')})` : '';
    const args = passed.length > 0 ? `(${passed.join(', ')})` : '';
    const query = `${kind} ${header} { ${field.name}${args} ${this.selection(field.type)} }`;
    return { name: field.name, query, variables };
  }

  /** Remembers every id an answer holds, for later operations to name. */
  learn(value: unknown, key = ''): void {
    if (typeof value === 'string' && /id$/i.test(key) && value.length < 200) this.ids.add(value);
    else if (Array.isArray(value)) value.forEach((item) => this.learn(item, key));
    else if (value && typeof value === 'object') {
      for (const [name, item] of Object.entries(value)) this.learn(item, name);
    }
  }

  private value(type: GraphQLInputType, name: string, depth = 0): unknown {
    if (type instanceof GraphQLNonNull) return this.value(type.ofType, name, depth);
    if (this.random.next() < 0.05) return null;
    if (type instanceof GraphQLList) {
      const length = this.random.pick([0, 1, 1, 2, 3]);
      return Array.from({ length }, () => this.value(type.ofType, name, depth + 1));
    }
    if (type instanceof GraphQLEnumType) return this.random.pick(type.getValues()).name;
    if (type instanceof GraphQLInputObjectType) return this.inputObject(type, depth);
    return this.scalar(type, name);
  }

  private inputObject(type: GraphQLInputObjectType, depth: number) {
    if (depth > 4) return null;
    const object: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (field.type instanceof GraphQLNonNull || this.random.next() < 0.7) {
        object[field.name] = this.value(field.type, field.name, depth + 1);
      }
    }
    return object;
  }

  private scalar(type: GraphQLScalarType, name: string): unknown {
    switch (type.name) {
      case 'Int':
        return this.random.pick([0, 1, 2, 50, -1, 500, 501, 2147483647]);
      case 'Float':
        return this.random.pick([0, 1, -1, 1e300]);
      case 'Boolean':
        return this.random.next() < 0.7;
      case 'DateTime':
        return this.random.pick([
          '2026-12-01T00:00:00Z',
          '1970-01-01T00:00:00Z',
          '2030-01-01T00:00:00Z',
        ]);
      case 'JSON':
        return this.random.pick([{}, [], 1]);
      default:
        return this.text(name);
    }
  }

  private text(name: string): string {
    const known = KNOWN[name.toLowerCase()];
    const roll = this.random.next();
    if (known && roll < 0.7) return this.random.pick(known);
    if (/id$/i.test(name) && this.ids.size > 0 && roll < 0.85)
      return this.random.pick([...this.ids]);
    return this.random.pick([...HOSTILE, ...Object.values(KNOWN).flat()]);
  }

  private selection(type: GraphQLOutputType, depth = 0): string {
    const named = getNamedType(type);
    if (isLeafType(named)) return '';
    if (depth > 3 || !isObjectType(named)) return '{ __typename }';
    const fields = Object.values(named.getFields()).filter((field) =>
      field.args.every((arg) => !(arg.type instanceof GraphQLNonNull)),
    );
    const selected = fields.map((field) =>
      isLeafType(getNamedType(field.type))
        ? field.name
        : `${field.name} ${this.selection(field.type, depth + 1)}`,
    );
    return `{ __typename ${selected.join(' ')} }`;
  }
}
