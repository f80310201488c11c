import { distance } from 'fastest-levenshtein';
import type { core } from 'zod';
import { type Spelling, snakeCase } from '../config/forms';
import { keysIn, objectKindAt } from '../config/keys';
import { unsupportedDltKeys } from '../config/schema';
import type { ConfigIssue } from '../errors';
import { type ConfigPath, formatPath, isPlainObject } from './config-keys';

const secretKeyPattern =
  /(^|_)(api_?key|apikey|token|access_token|refresh_token|password|passwd|secret|client_secret|private_key|credentials?)$/;

/** Whether a key holds a secret (`api_key`, `apiKey`, `token`, `password`, `client_secret`, ...). */
export function isSecretKey(key: string | number | undefined): boolean {
  return typeof key === 'string' && secretKeyPattern.test(snakeCase(key).replace(/-/g, '_'));
}

/** Header names whose values are credentials, so their literal values are redacted too. */
export function isSecretHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    lower === 'authorization' ||
    lower === 'proxy-authorization' ||
    lower === 'cookie' ||
    /(api[-_]?key|token|secret|password|auth)/.test(lower)
  );
}

/** The closest candidate when it is close enough to be a likely typo. */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const lowered = input.toLowerCase();
  for (const candidate of candidates) {
    const current = distance(lowered, candidate.toLowerCase());
    if (current < bestDistance) {
      best = candidate;
      bestDistance = current;
    }
  }
  const allowed = Math.max(2, Math.floor(input.length / 3));
  return best !== undefined && bestDistance <= allowed ? best : undefined;
}

/** The message for a key that is not accepted at `path`. */
export function unknownKeyMessage(key: string, path: ConfigPath, spelling: Spelling): string {
  const kind = objectKindAt(path);
  if (kind === undefined) return 'unknown key';
  if (unsupportedDltKeys[kind]?.includes(snakeCase(key))) {
    return `"${key}" is a dlt option that restsync does not support yet; remove it`;
  }
  const suggestion = didYouMean(key, keysIn(kind, spelling)) ?? didYouMean(key, keysIn(kind, 'camel'));
  const allowed = keysIn(kind, spelling).join(', ');
  return suggestion
    ? `unknown key; did you mean "${suggestion}"?`
    : `unknown key (expected one of: ${allowed})`;
}

/** Reads the value at `path` in the raw config (for describing what was given). */
function valueAt(config: unknown, path: ConfigPath): unknown {
  let current = config;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isPlainObject(current) && typeof segment === 'string') current = current[segment];
    else return undefined;
  }
  return current;
}

/** `a string`, `a number`, `a list`, ... — never the value itself. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  return `${/^[aeiou]/.test(typeof value) ? 'an' : 'a'} ${typeof value}`;
}

/** A value for a message: shown for ordinary keys, masked under secret keys. */
export function describeValue(value: unknown, key: string | number | undefined): string {
  if (isSecretKey(key)) return '(value not shown)';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return describeType(value);
}

const articles: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  record: 'an object',
};

function isSecretPath(path: ConfigPath): boolean {
  return path.some((segment) => isSecretKey(segment));
}

/** Converts zod issues into config issues with paths in the user's spelling, one per unknown key. */
export function configIssuesFromZod(
  issues: readonly core.$ZodIssue[],
  config: unknown,
  spelling: Spelling,
): ConfigIssue[] {
  const result: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        result.push({ path: formatPath([...path, key]), message: unknownKeyMessage(key, path, spelling) });
      }
      continue;
    }
    const value = valueAt(config, path);
    const last = path[path.length - 1];
    let message = issue.message;
    if (issue.code === 'invalid_type' && value === undefined) {
      message = 'required';
    } else if (issue.code === 'invalid_type' && message.startsWith('Invalid input')) {
      message = `expected ${articles[issue.expected] ?? issue.expected}, got ${describeType(value)}`;
    } else if (issue.code === 'invalid_value' && message.startsWith('Invalid')) {
      const expected = issue.values.map((item) => JSON.stringify(item)).join(', ');
      const shown = isSecretPath(path) ? '(value not shown)' : describeValue(value, last);
      message = `expected ${issue.values.length === 1 ? expected : `one of ${expected}`}, got ${shown}`;
    }
    result.push({ path: formatPath(path), message });
  }
  return result;
}
