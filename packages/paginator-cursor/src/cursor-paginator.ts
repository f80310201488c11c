import { compileJsonPath, PaginationError, type Paginator, paginatorDetectionOrder } from '@restsync/core';
import { defineAdapter, findKey } from '@restsync/core/adapter-utils';
import { type CursorPaginatorOptions, cursorOptions } from './cursor-options';
import { cursorSequence, describePage, type FoundCursor } from './cursor-sequence';
import { readFlag } from './read-flag';

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : `an ${typeof value}`;
}

/**
 * The `cursor` paginator, declared once (dlt's `JSONResponseCursorPaginator`): `cursor()` for
 * code, `fromConfig` for `{ "type": "cursor", "cursor_path": "cursors.next", "cursor_param":
 * "cursor" }`.
 */
export const cursorAdapter = defineAdapter({
  kind: 'paginator',
  type: 'cursor',
  options: cursorOptions,
  create: (options) => {
    const cursorPath = compileJsonPath(options.cursorPath, 'cursorPath');
    const hasMorePath =
      options.hasMorePath === undefined ? undefined : compileJsonPath(options.hasMorePath, 'hasMorePath');
    return cursorSequence({
      type: 'cursor',
      target:
        options.cursorBodyPath === undefined
          ? { query: options.cursorParam ?? 'cursor' }
          : { body: options.cursorBodyPath, option: 'cursorBodyPath' },
      initialCursor: options.initialCursor,
      findNext(page, isFirst): FoundCursor {
        const where = describePage('cursor', page);
        const body = page.response.body;
        const hasMore = hasMorePath && readFlag(body, hasMorePath, where, 'hasMorePath');
        if (hasMore === false) return { done: 'hasMore is false' };
        const found = cursorPath.find(body);
        const value = found[0];
        if (found.length === 0 && isFirst && page.records.length > 0) {
          throw new PaginationError(
            `${where}: cursor_path "${cursorPath.path}" found nothing in the first page, which has ` +
              `${page.records.length} records, so the next page cannot be requested. Point cursor_path at ` +
              'the next cursor in the response (e.g. "next_cursor", "data[-1].id"), or use another paginator.',
          );
        }
        if (page.records.length === 0 && options.stopAfterEmptyPage && hasMore !== true) {
          return { done: 'empty page' };
        }
        // An integer cursor beyond 2^53 arrives as an exact bigint: sent as its digits.
        if (typeof value === 'bigint') return { cursor: String(value) };
        if (typeof value === 'string' || typeof value === 'number') {
          if (value === '' || value === 0)
            return { done: `cursor at "${cursorPath.path}" is ${JSON.stringify(value)}` };
          return { cursor: value };
        }
        if (value === undefined || value === null || value === false) {
          if (hasMore === true) {
            throw new PaginationError(
              `${where}: hasMorePath "${hasMorePath?.path}" says there are more pages, but cursor_path ` +
                `"${cursorPath.path}" found ${value === undefined ? 'nothing' : String(value)}. Check cursor_path.`,
            );
          }
          return {
            done:
              value === undefined
                ? `no cursor at "${cursorPath.path}"`
                : `cursor at "${cursorPath.path}" is ${value}`,
          };
        }
        throw new PaginationError(
          `${where}: the value at cursor_path "${cursorPath.path}" is ${describeValue(value)}, not a cursor ` +
            '(a string or a number). Point cursor_path at the cursor itself.',
        );
      },
    });
  },
  detector: {
    order: paginatorDetectionOrder.jsonCursor,
    // dlt's rule: a key named next… whose value is a cursor, not a URL (URLs are json_link's).
    detect(page) {
      const found = findKey(page.response.body, (key, value) => /^next/i.test(key) && isCursorValue(value));
      if (found === undefined) return undefined;
      return {
        options: { cursorPath: found.path, cursorParam: 'cursor' },
        reason: `the response body has a next cursor at ${found.path}`,
      };
    },
  },
});

/** A non-empty string that is not a URL, or a number: what a next cursor looks like. */
function isCursorValue(value: unknown): boolean {
  if (typeof value === 'number' || typeof value === 'bigint') return true;
  return typeof value === 'string' && value.trim() !== '' && !/^(https?:\/\/|\/|\?)/i.test(value.trim());
}

/**
 * Cursor pagination from the response body: `?cursor=<next>` until the cursor is falsy. With
 * `cursorPath: 'data[-1].id'` and `cursorParam: 'starting_after'` it pages Stripe-style APIs.
 * A cursor path that finds nothing on the first page (while it has records) is a
 * `PaginationError`, not a silent one-page run. Options are validated here.
 *
 * @example cursor({ cursorPath: 'data[-1].id', cursorParam: 'starting_after', hasMorePath: 'has_more' })
 */
export function cursor(options: CursorPaginatorOptions = {}): Paginator {
  return cursorAdapter.create(options);
}
