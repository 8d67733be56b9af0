/**
 * How deeply a GraphQL body may nest objects and arrays: the schema's inputs need under 10 levels
 * (`body.variables.input.roles.0.roleTemplateId` is 5), and code after the gate (Apollo,
 * `JSON.stringify`) recurses into variables, so a deeper body would overflow the stack there.
 */
export const MAX_BODY_DEPTH = 64;

const PATH_MAX = 100;
const clipped = (path: string) => (path.length > PATH_MAX ? `${path.slice(0, PATH_MAX)}…` : path);

/** An object or array the walk below is in: its keys, how far it got, and the way back up. */
interface Frame {
  value: Record<string, unknown>;
  keys: string[];
  next: number;
  key: string;
  parent: Frame | null;
  depth: number;
}

const frameOf = (value: object, key: string, parent: Frame | null, depth: number): Frame => ({
  value: value as Record<string, unknown>,
  keys: Object.keys(value),
  next: 0,
  key,
  parent,
  depth,
});

/** The path from the body to `frame` (and `last` in it), `body.variables.list.1`, cut at PATH_MAX. */
function pathOf(frame: Frame, last?: string): string {
  const keys = last === undefined ? [] : [last];
  for (let at: Frame | null = frame; at; at = at.parent) keys.push(at.key);
  // The outermost keys are what is shown: a deep body would build a huge path.
  let path = keys.pop()!;
  while (keys.length > 0 && path.length <= PATH_MAX) path += `.${keys.pop()}`;
  return clipped(path);
}

/**
 * What is wrong with a JSON body, by path: the first string that is not well-formed Unicode (a
 * lone surrogate), or the first object or array nested deeper than `maxDepth`, in the body's order.
 * Walked with a stack of its own, not recursion: any depth is safe to inspect; a path is built only
 * for a problem, so a body of many small objects costs about what parsing it did.
 */
export function bodyProblem(
  value: unknown,
  path = 'body',
  maxDepth = MAX_BODY_DEPTH,
): { kind: 'malformed' | 'too-deep'; path: string } | null {
  if (typeof value === 'string') return value.isWellFormed() ? null : { kind: 'malformed', path };
  if (typeof value !== 'object' || value === null) return null;
  if (maxDepth < 1) return { kind: 'too-deep', path };
  const stack = [frameOf(value, path, null, 1)];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.next === frame.keys.length) {
      stack.pop();
      continue;
    }
    const key = frame.keys[frame.next++];
    if (!key.isWellFormed()) return { kind: 'malformed', path: pathOf(frame) };
    const child = frame.value[key];
    if (typeof child === 'string') {
      if (!child.isWellFormed()) return { kind: 'malformed', path: pathOf(frame, key) };
    } else if (typeof child === 'object' && child !== null) {
      if (frame.depth >= maxDepth) return { kind: 'too-deep', path: pathOf(frame, key) };
      stack.push(frameOf(child, key, frame, frame.depth + 1));
    }
  }
  return null;
}

/** The first string in a JSON body that is not well-formed Unicode (a lone surrogate), by path. */
export function malformedStringPath(value: unknown, path = 'body'): string | null {
  const problem = bodyProblem(value, path, Infinity);
  return problem?.kind === 'malformed' ? problem.path : null;
}
