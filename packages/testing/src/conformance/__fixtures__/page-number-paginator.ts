import { defineAdapter, option, rangePaginator, z } from '@restsync/core/adapter-utils';

export const pageNumberAdapter = defineAdapter({
  kind: 'paginator',
  type: 'page_number',
  options: z.object({
    /** Number of the first page (0 or 1 for most APIs). @default 0 */
    basePage: option.nonNegativeInteger().default(0),
    /** Query parameter that carries the page number. @default 'page' */
    pageParam: option.name().default('page'),
    /** Dot path to the number of pages; missing or null means unknown. @default 'total' */
    totalPath: option.jsonPath().nullable().default('total'),
    /** Exclusive upper bound: no page at or above it is requested. @default undefined (no bound) */
    maximumPage: option.positiveInteger().optional(),
  }),
  create: (options) =>
    rangePaginator({
      type: 'page_number',
      position: 'page',
      target: { query: options.pageParam },
      start: options.basePage,
      totalBase: options.basePage,
      totalPath: options.totalPath,
      maximum: options.maximumPage,
      optionNames: { maximum: 'maximumPage' },
    }),
});
export const pageNumber = pageNumberAdapter.create;
export const fromConfig = pageNumberAdapter.fromConfig;
export type PageNumberPaginatorOptions = z.input<typeof pageNumberAdapter.options.schema>;
