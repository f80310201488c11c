import { PaginationError, type Paginator, paginatorDetectionOrder } from '@restsync/core';
import { defineAdapter, option, z } from '@restsync/core/adapter-utils';
import { hasNextLinkHeader } from './detect';
import { isLinkHeaderProblem, parseLinkHeader } from './link-header';
import { describePage, linkPaginator } from './link-paginator';

const headerLinkOptions = z.object({
  /**
   * The relation type of the next page's link in the `Link` header (RFC 8288), compared without
   * regard to case. The sequence ends when no link has it.
   * @default 'next'
   */
  linksNextKey: option.name().default('next'),
});

/** Options of `headerLink()`. */
export type HeaderLinkPaginatorOptions = z.input<typeof headerLinkOptions>;

/**
 * The `header_link` paginator, declared once (dlt's `HeaderLinkPaginator`): follows the
 * `rel="next"` link of the RFC 8288 `Link` response header, as GitHub sends it. `headerLink()` for
 * code, `fromConfig` for `{ "type": "header_link" }`.
 */
export const headerLinkAdapter = defineAdapter({
  kind: 'paginator',
  type: 'header_link',
  options: headerLinkOptions,
  create: (options) => {
    const relation = options.linksNextKey.trim().toLowerCase();
    return linkPaginator({
      type: 'header_link',
      findNext(page) {
        const header = page.response.headers.get('link');
        if (header === null || header.trim() === '') return { done: 'no Link header' };
        const links = parseLinkHeader(header);
        if (isLinkHeaderProblem(links)) {
          const shown = header.length > 300 ? `${header.slice(0, 300)}…` : header;
          throw new PaginationError(
            `${describePage('header_link', page)}: the Link header is malformed: expected ` +
              `${links.expected} at character ${links.position} of ${JSON.stringify(shown)}. ` +
              'RFC 8288 links look like <https://api.example.com/items?page=2>; rel="next".',
          );
        }
        const next = links.find((link) => link.relations.includes(relation));
        if (next === undefined) return { done: `no Link with rel="${relation}"` };
        return { url: next.target };
      },
    });
  },
  detector: {
    order: paginatorDetectionOrder.linkHeader,
    detect: (page) =>
      hasNextLinkHeader(page)
        ? { options: {}, reason: 'the response has a Link header with rel="next"' }
        : undefined,
  },
});

/**
 * Follows the `rel="next"` link of the `Link` response header. Options are validated here: a
 * `ConfigError` lists every bad option.
 *
 * @example headerLink()
 */
export function headerLink(options: HeaderLinkPaginatorOptions = {}): Paginator {
  return headerLinkAdapter.create(options);
}
