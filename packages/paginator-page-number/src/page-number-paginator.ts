import type { Paginator } from '@restsync/core';
import { defineAdapter, rangePaginator } from '@restsync/core/adapter-utils';
import { type PageNumberPaginatorOptions, pageNumberOptions } from './options';

/**
 * The page-number paginator, declared once (dlt's `PageNumberPaginator`): `pageNumber()` for
 * code, `fromConfig` for `{ "type": "page_number", "base_page": 1, "total_path": "total_pages" }`.
 */
export const pageNumberAdapter = defineAdapter({
  kind: 'paginator',
  type: 'page_number',
  options: pageNumberOptions,
  create: (options) =>
    rangePaginator({
      type: 'page_number',
      position: 'page',
      target:
        options.pageBodyPath === undefined
          ? { query: options.pageParam ?? 'page' }
          : { body: options.pageBodyPath, option: 'pageBodyPath' },
      start: options.page ?? options.basePage,
      step: 1,
      totalPath: options.totalPath,
      totalBase: options.basePage,
      maximum: options.maximumPage,
      stopAfterEmptyPage: options.stopAfterEmptyPage,
      hasMorePath: options.hasMorePath,
      optionNames: { totalPath: 'totalPath', hasMorePath: 'hasMorePath', maximum: 'maximumPage' },
    }),
});

/**
 * Page-number pagination: `?page=0`, `?page=1`, ... (or from `basePage`/`page`). Stops when
 * `hasMore` is false, the known number of pages is reached, a page is empty, or the next page
 * would reach `maximumPage` (exclusive). A missing or null total is "unknown", never an error.
 * Options are validated here: a `ConfigError` lists every bad option.
 *
 * @example pageNumber({ basePage: 1, totalPath: 'meta.total_pages' })
 */
export function pageNumber(options: PageNumberPaginatorOptions = {}): Paginator {
  return pageNumberAdapter.create(options);
}
