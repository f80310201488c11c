import { type JsonPath, PaginationError } from '@restsync/core';

const truthy = new Set(['true', 't', 'yes', 'y', '1']);
const falsy = new Set(['false', 'f', 'no', 'n', '0']);

/**
 * Reads a "has more" flag: a boolean, or a string dlt accepts (`"true"`, `"yes"`, `"0"`, ...).
 * Missing or null is undefined (unknown); anything else is a `PaginationError` from `where`.
 */
export function readFlag(body: unknown, path: JsonPath, where: string, option: string): boolean | undefined {
  const value = path.first(body);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  const text =
    typeof value === 'string' || typeof value === 'number' ? String(value).trim().toLowerCase() : '';
  if (truthy.has(text)) return true;
  if (falsy.has(text)) return false;
  throw new PaginationError(
    `${where}: the value at ${option} "${path.path}" is ${JSON.stringify(value)?.slice(0, 60) ?? typeof value}, ` +
      `not a boolean. Point ${option} at the API's "has more" flag.`,
  );
}
