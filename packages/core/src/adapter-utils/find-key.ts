/** A key found in a response body: its JSONPath (dlt's form) and its value. */
export interface FoundKey {
  path: string;
  value: unknown;
}

/** A key as a JSONPath step: `links`, or dlt's bracket form `['@odata.nextLink']` for other characters. */
function pathStep(key: string, first: boolean): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return first ? key : `.${key}`;
  return `['${key.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}']`;
}

/**
 * Finds the first key, depth-first over objects, that `matches` accepts, for paginator
 * detectors. It never descends into arrays, so records are not searched, and stops at
 * `maximumDepth` object levels. Keys of one object are all tried before its children.
 */
export function findKey(
  body: unknown,
  matches: (key: string, value: unknown) => boolean,
  maximumDepth = 4,
): FoundKey | undefined {
  const search = (value: unknown, prefix: string, depth: number): FoundKey | undefined => {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || depth >= maximumDepth) {
      return undefined;
    }
    const entries = Object.entries(value);
    for (const [key, child] of entries) {
      if (matches(key, child)) return { path: prefix + pathStep(key, prefix === ''), value: child };
    }
    for (const [key, child] of entries) {
      const found = search(child, prefix + pathStep(key, prefix === ''), depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return search(body, '', 0);
}
