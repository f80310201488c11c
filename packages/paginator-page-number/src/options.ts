import { adapterOptions, option, z } from '@restsync/core/adapter-utils';

const pageNumberOptionsSchema = z
  .object({
    /** Number the API gives its first page (0 or 1 for most APIs); the total counts from it. @default 0 */
    basePage: option.nonNegativeInteger().default(0),
    /** Page to start from, when not the first one. @default basePage */
    page: option.nonNegativeInteger().optional(),
    /** Query parameter that carries the page number. @default 'page' (unless pageBodyPath is set) */
    pageParam: option.name().optional(),
    /**
     * Dot path in the JSON body (`paging.page`) that carries the page number instead of a query
     * parameter, for APIs that paginate a POST body. @default undefined (query parameter)
     */
    pageBodyPath: option.bodyPath().optional(),
    /**
     * JSONPath to the number of pages in the response body (`meta.total_pages`). A missing or
     * null total means "unknown": another stop condition then ends the sequence (unlike dlt, which
     * fails). `null` turns it off. @default 'total'
     */
    totalPath: option.jsonPath().nullable().default('total'),
    /** Exclusive upper bound: no page at or above it is requested (as in dlt). @default undefined (no bound) */
    maximumPage: option.positiveInteger().optional(),
    /** Stop when a page has no records. @default true */
    stopAfterEmptyPage: option.boolean().default(true),
    /** JSONPath to a boolean in the response body; `false` stops. @default undefined (not read) */
    hasMorePath: option.jsonPath().optional(),
  })
  .superRefine((options, context) => {
    if (options.pageParam !== undefined && options.pageBodyPath !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['pageBodyPath'],
        message: 'set either {pageParam} or {pageBodyPath}, not both',
      });
    }
    const first = options.page ?? options.basePage;
    if (options.page !== undefined && options.page < options.basePage) {
      context.addIssue({
        code: 'custom',
        path: ['page'],
        message: `must not be below {basePage} (${options.basePage})`,
      });
    }
    if (options.maximumPage !== undefined && options.maximumPage <= first) {
      context.addIssue({
        code: 'custom',
        path: ['maximumPage'],
        message: `must be greater than the first page (${first}); it is exclusive, so no request could be made`,
      });
    }
    if (
      options.totalPath === null &&
      options.maximumPage === undefined &&
      options.hasMorePath === undefined &&
      !options.stopAfterEmptyPage
    ) {
      context.addIssue({
        code: 'custom',
        path: ['stopAfterEmptyPage'],
        message:
          'nothing would stop the pagination: set one of {totalPath}, {maximumPage}, {hasMorePath}, or {stopAfterEmptyPage}: true',
      });
    }
  });

export const pageNumberOptions = adapterOptions(pageNumberOptionsSchema);

/** Options of `pageNumber()`: each one also accepted under its dlt snake_case name in a config file. */
export type PageNumberPaginatorOptions = z.input<typeof pageNumberOptionsSchema>;
