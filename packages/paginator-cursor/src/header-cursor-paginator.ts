import type { Paginator } from '@restsync/core';
import { defineAdapter } from '@restsync/core/adapter-utils';
import { type HeaderCursorPaginatorOptions, headerCursorOptions } from './cursor-options';
import { cursorSequence } from './cursor-sequence';

/**
 * The `header_cursor` paginator, declared once (dlt's `HeaderCursorPaginator`): `headerCursor()`
 * for code, `fromConfig` for `{ "type": "header_cursor", "cursor_key": "next", "cursor_param": "cursor" }`.
 */
export const headerCursorAdapter = defineAdapter({
  kind: 'paginator',
  type: 'header_cursor',
  options: headerCursorOptions,
  create: (options) =>
    cursorSequence({
      type: 'header_cursor',
      target: { query: options.cursorParam },
      initialCursor: options.initialCursor,
      findNext(page) {
        const value = page.response.headers.get(options.cursorKey)?.trim();
        if (value === undefined) return { done: `no "${options.cursorKey}" header` };
        if (value === '') return { done: `empty "${options.cursorKey}" header` };
        return { cursor: value };
      },
    }),
});

/**
 * Cursor pagination from a response header: the value of the `cursorKey` header goes into the
 * `cursorParam` query parameter of the next request, until the header is absent or empty.
 *
 * @example headerCursor({ cursorKey: 'X-Next-Cursor', cursorParam: 'page_token' })
 */
export function headerCursor(options: HeaderCursorPaginatorOptions = {}): Paginator {
  return headerCursorAdapter.create(options);
}
