import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The layout as a test: reads every relative import in src/ and projections/ and checks that the
 * rooms stay rooms (README, "Layout: one room per capability").
 */

const ROOT = path.resolve(__dirname, '..');

/** Files at the top of src/ that join the rooms; nothing else may live there. */
const COMPOSITION_FILES = [
  'src/app.module.ts',
  'src/bootstrap.ts',
  'src/capabilities.ts',
  'src/cli.ts',
  'src/events.ts',
  'src/main.ts',
  'src/server.ts',
];

/**
 * Every room-to-room import, with why the rule or the page needs it. A new edge fails the test
 * until it is added here with its reason; an edge no longer used fails it until it is removed.
 */
const ALLOWED_EDGES: Record<string, string> = {
  'audit -> delegated-admin':
    'R9, R42: a partner reads the customer’s own acts in its Autopilot registry only while it resells to it (the Customers read model)',
  'audit -> gdap':
    'R17, R30: a partner never related to the customer (no reseller relationship, no approved GDAP one) is refused its Autopilot registry before it is read',
  'autopilot -> gdap':
    'R35 via R67: under dap-required, a GDAP role that allows Autopilot counts like DAP (effective roles)',
  'delegated-admin -> gdap':
    'R67: a partner user’s directory roles are DAP plus active GDAP assignments (one function); the Customers page shows each customer’s GDAP relationships',
  'effective-access -> gdap': 'R40 is derived from every room’s pure access functions, GDAP’s too',
  'gdap -> autopilot':
    'R68: the revoke-all preview lists the Autopilot rights the relationship gives',
  'gdap -> azure-subscriptions':
    'R68, R70: revoke-all previews and removes the partner groups’ subscription role assignments',
  'gdap -> delegated-admin':
    'R67, R70: effective roles start from DAP; revoke-all removes DAP; partner roles and pair facts; the Partner relationships page shows GDAP relationships',
  'gdap -> invitations':
    'R60: a relationship is created for a customer of the partner (relationship state)',
  'autopilot -> delegated-admin':
    'R30, R35: Autopilot decisions read the pair’s relationship and DAP (pair facts, partner roles, the Customers read model)',
  'azure-subscriptions -> delegated-admin':
    'R22, R25: what a partner role may do on a subscription depends on its partner roles',
  'azure-subscriptions -> invitations':
    'R22: provisioning is decided on the relationship stream, ordered against its end (R9)',
  'delegated-admin -> azure-subscriptions':
    'R16, R21: the Customers page shows each customer’s subscriptions and the services they open',
  'delegated-admin -> invitations':
    'R7, R10, R9: DAP is granted on acceptance and removed at the end (relationship events and state); the Customers page ends the relationship',
  'effective-access -> autopilot': 'R40 is derived from every room’s pure access functions',
  'effective-access -> azure-subscriptions':
    'R40 is derived from every room’s pure access functions',
  'effective-access -> delegated-admin': 'R40 is derived from every room’s pure access functions',
  'invitations -> azure-subscriptions':
    'R9: the relationship ends only without active subscriptions the partner provisioned',
  'invitations -> delegated-admin':
    'R22: provisioning needs the partner’s roles; acceptance answers with the Partner relationships row (R15)',
};

/**
 * What the platform may import outside itself: the event union and its schema versions, which the
 * write path, the readers and the policies are typed by and check against. events.ts is a
 * composition file that joins each room's `domain/events.ts`, not a room, so the platform names no
 * room and a new room changes nothing in the platform.
 */
const PLATFORM_MAY_IMPORT: Record<string, string> = {
  'src/events.ts': 'the DomainEvent union and the schema version table (composition, no room)',
};

/** Central registries the rooms replaced: each use case, read model and decider registers itself. */
const FORBIDDEN_FILES = [
  'src/deciders.ts',
  'src/domain/deciders.ts',
  'src/commands/index.ts',
  'src/commands/follow-ups',
  'src/graphql/index.ts',
  'src/graphql/common/read-models.ts',
  'projections/index.ts',
];

type Layer =
  { kind: 'room'; room: string } | { kind: 'platform' } | { kind: 'cli' } | { kind: 'composition' };

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

function layerOf(file: string): Layer {
  const [top, first] = file.split('/');
  if (top === 'projections') return { kind: 'room', room: first };
  if (first === 'platform') return { kind: 'platform' };
  if (first === 'cli') return { kind: 'cli' };
  if (first.endsWith('.ts')) return { kind: first === 'cli.ts' ? 'cli' : 'composition' };
  return { kind: 'room', room: first };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(file);
    return entry.name.endsWith('.ts') ? [file] : [];
  });
}

function resolveImport(from: string, specifier: string): string {
  const base = path.posix.join(path.posix.dirname(from), specifier);
  const candidate = [`${base}.ts`, `${base}/index.ts`, base].find((file) =>
    existsSync(path.join(ROOT, file)),
  );
  if (!candidate) throw new Error(`${from}: cannot resolve ${specifier}`);
  return candidate;
}

const isTypeOnlyImport = (node: ts.ImportDeclaration): boolean => {
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return (
    !clause.name &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((element) => element.isTypeOnly)
  );
};

/** Static imports, re-exports, `import()` and `require()` with a relative specifier. */
function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(path.join(ROOT, file), 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const found: Import[] = [];
  const add = (specifier: ts.Expression | undefined, typeOnly: boolean) => {
    if (specifier && ts.isStringLiteral(specifier) && specifier.text.startsWith('.')) {
      found.push({ from: file, to: resolveImport(file, specifier.text), typeOnly });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, isTypeOnlyImport(node));
    else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node.isTypeOnly);
    else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      add(node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const IMPORTS: Import[] = [...sourceFiles('src'), ...sourceFiles('projections')].flatMap(importsOf);
const show = (imports: Import[]) => imports.map(({ from, to }) => `${from} -> ${to}`);

/** A circle of imports that load code (type-only ones load nothing), as the files along it. */
function firstValueCircle(imports: readonly Import[]): string[] | undefined {
  const next = new Map<string, string[]>();
  for (const { from, to, typeOnly } of imports) {
    if (!typeOnly) next.set(from, [...(next.get(from) ?? []), to]);
  }
  const done = new Set<string>();
  const trail: string[] = [];
  const visit = (file: string): string[] | undefined => {
    const onPath = trail.indexOf(file);
    if (onPath >= 0) return [...trail.slice(onPath), file];
    if (done.has(file)) return undefined;
    trail.push(file);
    for (const to of next.get(file) ?? []) {
      const circle = visit(to);
      if (circle) return circle;
    }
    trail.pop();
    done.add(file);
    return undefined;
  };
  for (const file of next.keys()) {
    const circle = visit(file);
    if (circle) return circle;
  }
  return undefined;
}

describe('architecture', () => {
  it('reads a graph that has the rooms in it (the parser finds their imports)', () => {
    const edges = new Set(IMPORTS.map(({ from, to }) => `${from} -> ${to}`));
    expect(edges).toContain('src/app.module.ts -> src/invitations/invitations.module.ts');
    expect(edges).toContain(
      'src/effective-access/domain/effective-access.ts -> src/autopilot/domain/autopilot-access.ts',
    );
  });

  it('a room imports another room only along an allowed edge, each with its reason', () => {
    const used = new Map<string, Import[]>();
    for (const edge of IMPORTS) {
      const [from, to] = [layerOf(edge.from), layerOf(edge.to)];
      if (from.kind !== 'room' || to.kind !== 'room' || from.room === to.room) continue;
      const name = `${from.room} -> ${to.room}`;
      used.set(name, [...(used.get(name) ?? []), edge]);
    }
    const unexplained = [...used].filter(([name]) => !(name in ALLOWED_EDGES));
    expect(unexplained.flatMap(([, edges]) => show(edges))).toEqual([]);
    expect(Object.keys(ALLOWED_EDGES).filter((name) => !used.has(name))).toEqual([]);
  });

  // The event union's readers (readDomainEvent, pairOf) join every room's events without naming
  // any room to the caller: a read model or notifier fed from $all reads events through them.
  it('a room imports no composition file but the event union and its readers', () => {
    const offending = IMPORTS.filter(
      (edge) =>
        layerOf(edge.from).kind === 'room' &&
        layerOf(edge.to).kind === 'composition' &&
        edge.to !== 'src/events.ts',
    );
    expect(show(offending)).toEqual([]);
  });

  it('the platform imports no room, and of the composition files only the event union', () => {
    const offending = IMPORTS.filter((edge) => {
      if (layerOf(edge.from).kind !== 'platform') return false;
      const to = layerOf(edge.to);
      return (
        to.kind === 'room' ||
        to.kind === 'cli' ||
        (to.kind === 'composition' && !(edge.to in PLATFORM_MAY_IMPORT))
      );
    });
    expect(show(offending)).toEqual([]);
  });

  it('a domain/ folder is pure: it imports only other domain/ folders and the event union’s types', () => {
    const inDomain = (file: string) => file.split('/').includes('domain');
    const offending = IMPORTS.filter(
      (edge) =>
        inDomain(edge.from) &&
        !inDomain(edge.to) &&
        !(edge.to === 'src/events.ts' && edge.typeOnly),
    );
    expect(show(offending)).toEqual([]);
  });

  it('no central registry comes back: the top of src/ holds only the composition files', () => {
    const topLevel = readdirSync(path.join(ROOT, 'src'), { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => `src/${entry.name}`);
    expect(topLevel.sort()).toEqual(COMPOSITION_FILES);
    expect(FORBIDDEN_FILES.filter((file) => existsSync(path.join(ROOT, file)))).toEqual([]);
    const projectionsTop = readdirSync(path.join(ROOT, 'projections'), { withFileTypes: true });
    expect(
      projectionsTop.filter((entry) => !entry.isDirectory()).map((entry) => entry.name),
    ).toEqual([]);
    const barrels = IMPORTS.map(({ to }) => to).filter((file) => file.endsWith('/index.ts'));
    expect(barrels).toEqual([]);
  });

  // In a circle, whichever file loads first sees the others' exports still undefined.
  it('no circle of imports that load code: every module loads after all it uses', () => {
    expect(firstValueCircle(IMPORTS)).toBeUndefined();
  });
});
