import { ResponseError } from '../errors';
import type { PageContext } from '../http/paginate';
import { checkJsonPath, compileJsonPath } from '../json-path/json-path';
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
 * selector) takes the whole body; any other selector is a JSONPath in dlt's syntax (see
 * `compileJsonPath`): one match is the records (a list) or one record, several matches are each
 * taken. A selector that matches nothing in a non-empty body is a `ResponseError` naming the
 * resource, the page, the selector and the keys present.
 */
export function compileDataSelector(
  selector: string | undefined,
  options: { wholeBody?: boolean } = {},
): RecordSelector {
  if (selector === undefined) return options.wholeBody ? (body) => asRecords(body) : detectRecords;
  const path = compileJsonPath(selector, 'data_selector');
  if (path.members?.length === 0) return (body) => asRecords(body);
  return (body, page) => {
    const matches = path.find(body);
    if (matches.length === 0) {
      if (isEmptyBody(body)) return [];
      throw noMatch(selector, body, page);
    }
    if (matches.length === 1) return asRecords(matches[0]);
    return matches.flatMap((match) => asRecords(match));
  };
}

/** Returns a problem with a selector's syntax, or undefined when it is a usable JSONPath. */
export function checkDataSelector(selector: string): string | undefined {
  return checkJsonPath(selector);
}
