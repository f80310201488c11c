export { isPlainObject } from '../config/plain-object';

/** A config path as segments: object keys as the user wrote them, and list indexes. */
export type ConfigPath = readonly (string | number)[];

/** Formats a path as `resources[0].endpoint.paginator.limit` (odd keys as `headers["X-Key"]`). */
export function formatPath(path: ConfigPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** Joins a base path and a relative path string (as adapters report them). */
export function joinPath(base: ConfigPath, relative: string): string {
  const prefix = formatPath(base);
  if (relative === '') return prefix;
  if (prefix === '') return relative;
  return relative.startsWith('[') ? `${prefix}${relative}` : `${prefix}.${relative}`;
}
