/**
 * Splits a dot path (`meta.total`, or dlt's JSONPath form `$.meta.total`) into its segments.
 * Returns undefined when the path is empty or has an empty segment (`meta..total`).
 */
export function parseJsonPath(path: string): string[] | undefined {
  const trimmed = path.trim().replace(/^\$\.?/, '');
  if (trimmed === '') return undefined;
  const segments = trimmed.split('.');
  return segments.every((segment) => segment !== '') ? segments : undefined;
}

/** Reads the value at `path` (a dot path or its segments) inside a JSON value; undefined when a step is missing. */
export function readJsonPath(value: unknown, path: string | readonly string[]): unknown {
  const segments = typeof path === 'string' ? (parseJsonPath(path) ?? []) : path;
  let current = value;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
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
