import { createRequire } from 'node:module';
import type { jsonpath as JsonPathEngine } from 'json-p3';
import { ConfigError } from '../errors';
import { JsonPathSyntaxProblem, normalizeJsonPath } from './normalize-json-path';

/**
 * A compiled JSONPath. Every path in a config (data selectors, total, has-more, cursor and
 * next-URL paths, incremental cursor paths) is read with one of these, so each accepts what dlt
 * (jsonpath-ng) accepts: `data.items`, `$.data[-1].id`, `['@odata.nextLink']`, `$..id`,
 * `data[*].id`, `items[?(@.active == true)]`. Compile once per config, then read every page.
 */
export interface JsonPath {
  /** The path as written. */
  readonly path: string;
  /** The same path in RFC 9535 syntax, as evaluated. */
  readonly normalized: string;
  /**
   * The member names of a plain dotted path (`meta.total`, `$.meta.total`), which is read
   * without the JSONPath engine; undefined for any other path. `[]` for `$`.
   */
  readonly members: readonly string[] | undefined;
  /** Every value the path selects, in document order (`[]` when it selects nothing). */
  find(value: unknown): unknown[];
  /** The first value the path selects, or undefined when it selects nothing. */
  first(value: unknown): unknown;
}

const plainPath = /^(?:\$|(?:\$\.)?[A-Za-z_@][\w@-]*(?:\.[A-Za-z_@][\w@-]*)*)$/;
const cache = new Map<string, JsonPath>();
const cacheLimit = 500;

function readMembers(value: unknown, members: readonly string[]): { found: boolean; value: unknown } {
  let current = value;
  for (const member of members) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) {
      return { found: false, value: undefined };
    }
    if (!Object.hasOwn(current, member)) return { found: false, value: undefined };
    current = (current as Record<string, unknown>)[member];
  }
  return { found: true, value: current };
}

function plainJsonPath(path: string, trimmed: string): JsonPath {
  const members = trimmed === '$' ? [] : trimmed.replace(/^\$\./, '').split('.');
  return Object.freeze({
    path,
    normalized: `$${members.map((member) => (/^[A-Za-z_]\w*$/.test(member) ? `.${member}` : `[${JSON.stringify(member)}]`)).join('')}`,
    members: Object.freeze(members),
    find(value: unknown) {
      const read = readMembers(value, members);
      return read.found ? [read.value] : [];
    },
    first(value: unknown) {
      return readMembers(value, members).value;
    },
  });
}

let engine: typeof JsonPathEngine | undefined;

/**
 * json-p3, loaded the first time a path needs it: most configs hold only plain dotted paths, and
 * a CLI run then never spends the start-up time and memory of loading it.
 */
function jsonPathEngine(): typeof JsonPathEngine {
  engine ??= (createRequire(import.meta.url)('json-p3') as { jsonpath: typeof JsonPathEngine }).jsonpath;
  return engine;
}

function engineJsonPath(path: string, normalized: string): JsonPath {
  let query: ReturnType<typeof JsonPathEngine.compile>;
  try {
    query = jsonPathEngine().compile(normalized);
  } catch (error) {
    throw new JsonPathSyntaxProblem(
      error instanceof Error ? error.message.replace(/\s+/g, ' ') : String(error),
    );
  }
  return Object.freeze({
    path,
    normalized,
    members: undefined,
    find(value: unknown) {
      if (value === undefined) return [];
      return query.query(value as Parameters<typeof query.query>[0]).values();
    },
    first(value: unknown) {
      if (value === undefined) return undefined;
      return query.query(value as Parameters<typeof query.query>[0]).values()[0];
    },
  });
}

function build(path: string): JsonPath {
  const trimmed = path.trim();
  if (plainPath.test(trimmed)) return plainJsonPath(path, trimmed);
  return engineJsonPath(path, normalizeJsonPath(trimmed));
}

/**
 * Compiles a JSONPath in dlt's (jsonpath-ng's) syntax or RFC 9535 syntax. Compiled paths are
 * cached, so compiling the same text again is cheap. Throws a `ConfigError` naming the path and
 * the problem; `option` names the option for the message (e.g. `cursor_path`).
 *
 * @example compileJsonPath('data[-1].id').first({ data: [{ id: 1 }, { id: 2 }] }) // 2
 */
export function compileJsonPath(path: string, option?: string): JsonPath {
  const cached = cache.get(path);
  if (cached) return cached;
  let compiled: JsonPath;
  try {
    compiled = build(path);
  } catch (error) {
    if (!(error instanceof JsonPathSyntaxProblem)) throw error;
    throw new ConfigError([{ path: option ?? '', message: invalidMessage(path, error.message) }], {
      cause: error,
    });
  }
  if (cache.size >= cacheLimit) cache.clear();
  cache.set(path, compiled);
  return compiled;
}

function invalidMessage(path: string, problem: string): string {
  return `"${path}" is not a valid JSONPath: ${problem}`;
}

/** Returns why `path` is not a usable JSONPath, or undefined when it is. */
export function checkJsonPath(path: string): string | undefined {
  try {
    compileJsonPath(path);
    return undefined;
  } catch (error) {
    if (ConfigError.isInstance(error) && error.cause instanceof JsonPathSyntaxProblem) {
      return invalidMessage(path, error.cause.message);
    }
    throw error;
  }
}

/** The first value `path` selects in `value`, or undefined when it selects nothing. */
export function readJsonPath(value: unknown, path: string | JsonPath): unknown {
  return (typeof path === 'string' ? compileJsonPath(path) : path).first(value);
}

/** Every value `path` selects in `value`, in document order. */
export function findJsonPath(value: unknown, path: string | JsonPath): unknown[] {
  return (typeof path === 'string' ? compileJsonPath(path) : path).find(value);
}
