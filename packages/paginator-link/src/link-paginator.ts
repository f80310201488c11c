import {
  nextRequest,
  type Page,
  PaginationError,
  type Paginator,
  type PaginatorStep,
  paginationDone,
  type RequestSpec,
} from '@restsync/core';

/** What a link paginator found on a page: the next URL as written, or why there is none. */
export type FoundLink = { url: string } | { done: string };

export interface LinkPaginatorSettings {
  /** The paginator's `type`; starts every message. */
  type: string;
  /** Reads the next URL from a page; throws a `PaginationError` for a value it cannot use. */
  findNext(page: Page): FoundLink;
}

/** `<type> paginator: resource "<name>", page <index>` for messages. */
export function describePage(type: string, page: Page): string {
  return `${type} paginator: resource "${page.resource}", page ${page.index}`;
}

/**
 * A paginator that follows a next URL found on each page. The first request goes out as it is;
 * each next request is the first one (method, headers, JSON body) with its URL replaced by the
 * next URL, resolved against the URL of the page's request, so the next URL carries the whole
 * query, as in dlt. An empty next URL ends the sequence. Credentials never follow a URL to
 * another origin: the engine's client leaves them out.
 */
export function linkPaginator(settings: LinkPaginatorSettings): Paginator {
  return Object.freeze({
    kind: 'paginator' as const,
    specificationVersion: 'v1' as const,
    type: settings.type,
    create: () => {
      let firstRequest: RequestSpec | undefined;
      return {
        first(request: RequestSpec): RequestSpec {
          firstRequest = request;
          return request;
        },
        next(page: Page): PaginatorStep {
          const found = settings.findNext(page);
          if ('done' in found) return paginationDone(found.done);
          if (found.url.trim() === '') return paginationDone('empty next link');
          const url = resolveNextUrl(found.url, page, settings.type);
          return nextRequest({ ...(firstRequest ?? page.request), url });
        },
      };
    },
  });
}

function resolveNextUrl(link: string, page: Page, type: string): string {
  let url: URL;
  try {
    url = new URL(link.trim(), page.request.url);
  } catch {
    throw new PaginationError(
      `${describePage(type, page)}: the next link ${JSON.stringify(link.slice(0, 200))} is not a URL ` +
        `(resolved against ${page.request.url}).`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PaginationError(
      `${describePage(type, page)}: the next link ${JSON.stringify(link.slice(0, 200))} is not an ` +
        'http(s) URL; only http and https links are followed.',
    );
  }
  return url.toString();
}
