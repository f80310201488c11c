import { type Paginator, paginatorDetectionOrder } from '@restsync/core';
import { defineAdapter, findKey, rangePaginator } from '@restsync/core/adapter-utils';
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
  detector: {
    order: paginatorDetectionOrder.totalPages,
    detect(page) {
      const body = page.response.body;
      const total = findKey(
        body,
        (key, value) => /^(total_?pages|pages)$/i.test(key) && isWholeNumber(value),
      );
      if (total === undefined) return undefined;
      // Never guess which page the API served first: without it, a page would be fetched twice.
      const current = findKey(
        body,
        (key, value) => /^(page|current_?page|page_?number)$/i.test(key) && isWholeNumber(value),
      );
      if (current === undefined) return undefined;
      const basePage = Number(current.value);
      return {
        options: { basePage, totalPath: total.path, pageParam: 'page' },
        reason: `the response body has the page count at ${total.path} and the page it is (${basePage}) at ${current.path}`,
      };
    },
  },
});

/** A non-negative whole number, or its digits as a string (dlt casts the total to int). */
function isWholeNumber(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0;
  return typeof value === 'string' && /^\d+$/.test(value);
}

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
