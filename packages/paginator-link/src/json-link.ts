import { PaginationError, type Paginator, paginatorDetectionOrder } from '@restsync/core';
import { defineAdapter, option, readJsonPath, z } from '@restsync/core/adapter-utils';
import { findNextUrlPath } from './detect';
import { describePage, linkPaginator } from './link-paginator';

const jsonLinkOptions = z.object({
  /**
   * JSONPath to the next URL in the response body: `next`, `links.next`, `$.paging.next`, or
   * dlt's bracket form `['@odata.nextLink']` for a key with dots or `@`. The sequence ends when
   * the value is missing, `null` or an empty string. A relative URL is resolved against the URL
   * of the request that returned the page.
   * @default 'next'
   */
  nextUrlPath: option.jsonPath().default('next'),
});

/** Options of `jsonLink()`. */
export type JsonLinkPaginatorOptions = z.input<typeof jsonLinkOptions>;

function createJsonLink(type: string, nextUrlPath: string): Paginator {
  return linkPaginator({
    type,
    findNext(page) {
      const value = readJsonPath(page.response.body, nextUrlPath);
      if (value === undefined) return { done: `no next link at "${nextUrlPath}"` };
      if (value === null) return { done: `next link at "${nextUrlPath}" is null` };
      if (typeof value === 'string') return { url: value };
      throw new PaginationError(
        `${describePage(type, page)}: the value at next_url_path "${nextUrlPath}" is ` +
          `${Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `the ${typeof value} ${String(value)}`}, ` +
          'not a URL. Point next_url_path at the next URL (e.g. "links.next.href").',
      );
    },
  });
}

/**
 * The `json_link` paginator, declared once (dlt's `JSONLinkPaginator`): follows the next URL the
 * response body carries. `jsonLink()` for code, `fromConfig` for `{ "type": "json_link",
 * "next_url_path": "links.next" }`.
 */
export const jsonLinkAdapter = defineAdapter({
  kind: 'paginator',
  type: 'json_link',
  options: jsonLinkOptions,
  create: (options) => createJsonLink('json_link', options.nextUrlPath),
  detector: {
    order: paginatorDetectionOrder.jsonLink,
    detect(page) {
      const nextUrlPath = findNextUrlPath(page.response.body);
      if (nextUrlPath === undefined) return undefined;
      return { options: { nextUrlPath }, reason: `the response body has a next URL at ${nextUrlPath}` };
    },
  },
});

let deprecationShown = false;

/**
 * `json_response`, dlt's deprecated name of `json_link`: the same paginator and options. Building
 * it emits one `DeprecationWarning` per process that says to write `json_link`.
 */
export const jsonResponseAdapter = defineAdapter({
  kind: 'paginator',
  type: 'json_response',
  options: jsonLinkOptions,
  create: (options) => {
    if (!deprecationShown) {
      deprecationShown = true;
      globalThis.process?.emitWarning?.(
        'paginator type "json_response" is deprecated (as in dlt): write "json_link"; it takes the same options.',
        { type: 'DeprecationWarning', code: 'RESTSYNC_JSON_RESPONSE' },
      );
    }
    return createJsonLink('json_link', options.nextUrlPath);
  },
});

/**
 * Follows the next URL in the response body, e.g. `{ "data": [...], "next": "https://…?page=2" }`.
 * Options are validated here: a `ConfigError` lists every bad option.
 *
 * @example jsonLink({ nextUrlPath: "['@odata.nextLink']" })
 */
export function jsonLink(options: JsonLinkPaginatorOptions = {}): Paginator {
  return jsonLinkAdapter.create(options);
}
