import { adapterOptions, option, z } from '@restsync/core/adapter-utils';

/** A cursor value sent on the first request: a string or a number. */
const initialCursor = () =>
  z.union([z.string(), z.number()], { error: 'expected a string or a number' }).optional();

const cursorOptionsSchema = z
  .object({
    /**
     * JSONPath to the next cursor in the response body: `cursors.next`, `next_cursor`, or any
     * path the data selector accepts, e.g. `data[-1].id` for Stripe's `starting_after`. The
     * sequence ends when the value is falsy (`null`, `""`, `0`, `false`) or missing.
     * @default 'cursors.next'
     */
    cursorPath: option.jsonPath().default('cursors.next'),
    /** Query parameter that carries the cursor. @default 'cursor' (unless cursorBodyPath is set) */
    cursorParam: option.name().optional(),
    /** Dot path in the JSON body that carries the cursor instead of a query parameter. @default undefined (query parameter) */
    cursorBodyPath: option.bodyPath().optional(),
    /** Cursor sent on the first request (dlt sends none). @default undefined (no cursor on the first request) */
    initialCursor: initialCursor(),
    /** Stop when a page has no records. @default false */
    stopAfterEmptyPage: option.boolean().default(false),
    /**
     * JSONPath to a boolean in the response body. When present it decides: `false` stops even
     * with a cursor, `true` goes on even after an empty page. @default undefined (not read)
     */
    hasMorePath: option.jsonPath().optional(),
  })
  .superRefine((options, context) => {
    if (options.cursorParam !== undefined && options.cursorBodyPath !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['cursorBodyPath'],
        message: 'set either {cursorParam} or {cursorBodyPath}, not both',
      });
    }
  });

export const cursorOptions = adapterOptions(cursorOptionsSchema);

/** Options of `cursor()`: each one also accepted under its dlt snake_case name in a config file. */
export type CursorPaginatorOptions = z.input<typeof cursorOptionsSchema>;

const headerCursorOptionsSchema = z.object({
  /** Response header that carries the next cursor; the sequence ends when it is absent or empty. @default 'next' */
  cursorKey: option.name().default('next'),
  /** Query parameter that carries the cursor. @default 'cursor' */
  cursorParam: option.name().default('cursor'),
  /** Cursor sent on the first request (dlt sends none). @default undefined (no cursor on the first request) */
  initialCursor: initialCursor(),
});

export const headerCursorOptions = adapterOptions(headerCursorOptionsSchema);

/** Options of `headerCursor()`. */
export type HeaderCursorPaginatorOptions = z.input<typeof headerCursorOptionsSchema>;
