/**
 * Splits a dot path for writing into a request body (`page.offset`, or `$.page.offset`) into its
 * segments. Returns undefined when the path is empty or has an empty segment (`page..offset`).
 * Paths that read a response (any JSONPath) go through `compileJsonPath` instead.
 */
export function parseJsonPath(path: string): string[] | undefined {
  const trimmed = path.trim().replace(/^\$\.?/, '');
  if (trimmed === '') return undefined;
  const segments = trimmed.split('.');
  return segments.every((segment) => segment !== '') ? segments : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Returns a deep copy of `target` (a JSON object, or undefined for an empty one) with `value`
 * set at `segments`, creating intermediate objects. Returns undefined when the target, or a value
 * on the way, is not a plain object, so the caller can report where the body has the wrong shape.
 */
export function writeJsonPath(
  target: unknown,
  segments: readonly string[],
  value: unknown,
): Record<string, unknown> | undefined {
  if (target !== undefined && !isPlainObject(target)) return undefined;
  const root: Record<string, unknown> = target === undefined ? {} : structuredClone(target);
  let current = root;
  for (const [index, segment] of segments.entries()) {
    if (index === segments.length - 1) {
      current[segment] = value;
      break;
    }
    const child = current[segment];
    if (child === undefined || child === null) {
      const created: Record<string, unknown> = {};
      current[segment] = created;
      current = created;
    } else if (isPlainObject(child)) {
      current = child;
    } else {
      return undefined;
    }
  }
  return root;
}
