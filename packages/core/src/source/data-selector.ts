import { JSONPath } from 'jsonpath-plus';
import { ResponseError } from '../errors';
import type { PageContext } from '../http/paginate';
import { isPlainObject } from './config-keys';

/** Picks the records out of a response body. */
export type RecordSelector = (body: unknown, page: PageContext) => Record<string, unknown>[];

/** Keys auto-detection looks under for the list of records, in this order. */
export const conventionalRecordKeys = [
  'data',
  'items',
  'results',
  'records',
  'entries',
  'rows',
  'objects',
  'values',
] as const;

const simplePathPattern = /^(?:\$\.?)?([A-Za-z_$][\w$-]*(?:\.[A-Za-z_$][\w$-]*)*)$/;

/** `data`, `$.data.items` → `['data', 'items']`; anything else (filters, wildcards) → undefined. */
function simplePath(selector: string): string[] | undefined {
  const match = simplePathPattern.exec(selector.trim());
  return match?.[1]?.split('.');
}

function isEmptyBody(body: unknown): boolean {
  if (body === undefined || body === null || body === '') return true;
  if (Array.isArray(body)) return body.length === 0;
  return isPlainObject(body) && Object.keys(body).length === 0;
}

/** A selected value as records: a list is the records, an object is one record, a scalar is `{ value }`. */
function asRecords(value: unknown): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((item) => (isPlainObject(item) ? item : { value: item }));
  if (isPlainObject(value)) return [value];
  return [{ value }];
}

function describeKeys(body: unknown): string {
  if (Array.isArray(body)) return 'the body is a list';
  if (!isPlainObject(body)) return `the body is a ${typeof body}`;
  const keys = Object.keys(body);
  const shown = keys.slice(0, 20).join(', ');
  return `keys present: ${shown}${keys.length > 20 ? `, ... (${keys.length} keys)` : ''}`;
}

function noMatch(selector: string, body: unknown, page: PageContext): ResponseError {
  return new ResponseError(
    `resource "${page.resource}", page ${page.index}: data selector "${selector}" matched nothing in the ` +
      `response (${describeKeys(body)}). Fix the endpoint's data selector, or remove it to auto-detect the records.`,
  );
}

/** Auto-detection: a list body, else the first list under a conventional key, else the object as one record. */
export function detectRecords(body: unknown): Record<string, unknown>[] {
  if (Array.isArray(body)) return asRecords(body);
  if (!isPlainObject(body)) return asRecords(body === '' ? undefined : body);
  for (const key of conventionalRecordKeys) {
    const value = body[key];
    if (Array.isArray(value)) return asRecords(value);
  }
  return Object.keys(body).length === 0 ? [] : [body];
}

/**
 * Compiles a data selector once per resource. `$` (or a single-entity endpoint without a
 * selector) takes the whole body; a dotted path (`data.items`) is read directly; any other
 * JSONPath runs through jsonpath-plus. A selector that matches nothing in a non-empty body is a
 * `ResponseError` naming the resource, the page, the selector and the keys present.
 */
export function compileDataSelector(
  selector: string | undefined,
  options: { wholeBody?: boolean } = {},
): RecordSelector {
  if (selector === undefined) return options.wholeBody ? (body) => asRecords(body) : detectRecords;
  const trimmed = selector.trim();
  if (trimmed === '$') return (body) => asRecords(body);
  const segments = simplePath(trimmed);
  if (segments) {
    return (body, page) => {
      let current: unknown = body;
      for (const segment of segments) {
        if (!isPlainObject(current) || !Object.hasOwn(current, segment)) {
          if (isEmptyBody(body)) return [];
          throw noMatch(selector, body, page);
        }
        current = current[segment];
      }
      return asRecords(current);
    };
  }
  const path = trimmed.startsWith('$') ? trimmed : `$.${trimmed}`;
  return (body, page) => {
    if (isEmptyBody(body)) return [];
    let matches: unknown[];
    try {
      matches = JSONPath({ path, json: body as object, wrap: true }) as unknown[];
    } catch (error) {
      throw new ResponseError(
        `resource "${page.resource}", page ${page.index}: data selector "${selector}" failed: ` +
          `${error instanceof Error ? error.message : String(error)}. Fix the endpoint's data selector.`,
        { cause: error },
      );
    }
    if (matches.length === 0) throw noMatch(selector, body, page);
    if (matches.length === 1) return asRecords(matches[0]);
    return matches.flatMap((match) => asRecords(match));
  };
}

function isBalanced(selector: string): boolean {
  const closing: Record<string, string> = { '(': ')', '[': ']' };
  const stack: string[] = [];
  let quote: string | undefined;
  for (const character of selector) {
    if (quote) {
      if (character === quote) quote = undefined;
    } else if (character === "'" || character === '"') {
      quote = character;
    } else if (character in closing) {
      stack.push(closing[character]!);
    } else if (character === ')' || character === ']') {
      if (stack.pop() !== character) return false;
    }
  }
  return stack.length === 0 && quote === undefined;
}

/** A document holding every name the selector mentions, nested, so filters get evaluated (and parsed). */
function probeDocument(selector: string): Record<string, unknown> {
  const names = [...new Set(selector.match(/[A-Za-z_$][\w$]*/g) ?? [])];
  const leaf = Object.fromEntries(names.map((name) => [name, 1]));
  const middle = Object.fromEntries(names.map((name) => [name, [leaf]]));
  return Object.fromEntries(names.map((name) => [name, [middle]]));
}

/** Returns a problem with a selector's syntax, or undefined when it looks usable. */
export function checkDataSelector(selector: string): string | undefined {
  const trimmed = selector.trim();
  if (trimmed === '$' || simplePath(trimmed)) return undefined;
  if (!isBalanced(trimmed)) return `"${selector}" is not a valid JSONPath (unbalanced brackets or quotes)`;
  try {
    JSONPath({
      path: trimmed.startsWith('$') ? trimmed : `$.${trimmed}`,
      json: probeDocument(trimmed),
      wrap: true,
    });
    return undefined;
  } catch (error) {
    return `"${selector}" is not a valid JSONPath (${error instanceof Error ? error.message : String(error)})`;
  }
}
