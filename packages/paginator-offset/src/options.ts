import { adapterOptions, option, z } from '@restsync/core/adapter-utils';

/** The options of `offset()`, declared once: types, config keys (`total_path`), checks and JSON Schema come from here. */
const offsetOptionsSchema = z
  .object({
    /** Records per page, sent as `limitParam`. Keep it at or below the API's maximum page size. */
    limit: option.positiveInteger(),
    /** Offset of the first request. @default 0 */
    offset: option.nonNegativeInteger().default(0),
    /** Query parameter that carries the offset. @default 'offset' */
    offsetParam: option.name().default('offset'),
    /** Query parameter that carries the limit. @default 'limit' */
    limitParam: option.name().default('limit'),
    /**
     * Dot path in the JSON body (`page.offset`) that carries the offset instead of a query
     * parameter, for APIs that paginate a POST body. @default undefined (query parameter)
     */
    offsetBodyPath: option.bodyPath().optional(),
    /** Dot path in the JSON body that carries the limit instead of a query parameter. @default undefined (query parameter) */
    limitBodyPath: option.bodyPath().optional(),
    /**
     * Dot path in the response body to the total number of records (`meta.total`). A missing or
     * null total means "unknown": the paginator then stops on a short or empty page. The last
     * total seen is remembered, so an API may send it on the first page only. `null` never reads it.
     * @default 'total'
     */
    totalPath: option.jsonPath().nullable().default('total'),
    /** Exclusive upper bound: no request is ever made with an offset at or above it. @default undefined (no bound) */
    maximumOffset: option.positiveInteger().optional(),
    /** Stop when a page has no records. @default true */
    stopAfterEmptyPage: option.boolean().default(true),
    /** Dot path in the response body to a boolean; `false` stops the pagination. @default undefined (not read) */
    hasMorePath: option.jsonPath().optional(),
  })
  .superRefine((options, context) => {
    const inQuery = options.offsetBodyPath === undefined && options.limitBodyPath === undefined;
    if (inQuery && options.offsetParam === options.limitParam) {
      context.addIssue({
        code: 'custom',
        path: ['limitParam'],
        message: `must differ from {offsetParam} ("${options.offsetParam}")`,
      });
    }
    if (options.offsetBodyPath !== undefined && options.offsetBodyPath === options.limitBodyPath) {
      context.addIssue({
        code: 'custom',
        path: ['limitBodyPath'],
        message: 'must differ from {offsetBodyPath}',
      });
    }
    if (options.maximumOffset !== undefined && options.maximumOffset <= options.offset) {
      context.addIssue({
        code: 'custom',
        path: ['maximumOffset'],
        message: `must be greater than {offset} (${options.offset}); no request could be made`,
      });
    }
  });

export const offsetOptions = adapterOptions(offsetOptionsSchema);

/** Options of `offset()`. Every request asks for `limit` records starting at `offset`. */
export type OffsetPaginatorOptions = z.input<typeof offsetOptionsSchema>;
