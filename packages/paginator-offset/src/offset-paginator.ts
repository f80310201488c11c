import type { Paginator } from '@restsync/core';
import { defineAdapter, rangePaginator } from '@restsync/core/adapter-utils';
import { type OffsetPaginatorOptions, offsetOptions } from './options';

/**
 * The offset paginator, declared once: `offset()` for code, `fromConfig` for config files
 * (`{ "type": "offset", "limit": 100, "total_path": "meta.total" }`), and its JSON Schema.
 */
export const offsetAdapter = defineAdapter({
  kind: 'paginator',
  type: 'offset',
  options: offsetOptions,
  create: (options) =>
    rangePaginator({
      type: 'offset',
      position: 'offset',
      target:
        options.offsetBodyPath === undefined
          ? { query: options.offsetParam }
          : { body: options.offsetBodyPath, option: 'offsetBodyPath' },
      constants: [
        {
          target:
            options.limitBodyPath === undefined
              ? { query: options.limitParam }
              : { body: options.limitBodyPath, option: 'limitBodyPath' },
          value: options.limit,
        },
      ],
      start: options.offset,
      step: options.limit,
      unit: 'records',
      pageSize: options.limit,
      totalPath: options.totalPath,
      maximum: options.maximumOffset,
      stopAfterEmptyPage: options.stopAfterEmptyPage,
      hasMorePath: options.hasMorePath,
      optionNames: { maximum: 'maximumOffset' },
    }),
});

/**
 * Offset/limit pagination: `?offset=0&limit=100`, then `offset=100`, ... Stops when `hasMore` is
 * false, the known total is reached, a page is short (no total known), a page is empty, or the
 * next offset would reach `maximumOffset`. With a known total, a page shorter than `limit` before
 * the total moves the offset by the records received (the API caps its page size; the engine
 * warns once), and an empty page before the total is re-requested once, then fails with a
 * `PaginationError`. Options are validated here: a `ConfigError` lists every bad option.
 *
 * @example offset({ limit: 100, totalPath: 'meta.total' })
 */
export function offset(options: OffsetPaginatorOptions): Paginator {
  return offsetAdapter.create(options);
}
