import type { Paginator } from './paginator';
import type { Page } from './request';

/** What a detector found on the first page of a resource that has no paginator configured. */
export interface PaginatorDetection {
  /**
   * The paginator to continue with. The engine creates an instance, calls `first` with the first
   * request (already sent, so `first` must return it unchanged or place values the API reads
   * the same way) and then `next` with the first page: the first page is never fetched twice.
   */
  paginator: Paginator;
  /** The config that chooses this paginator explicitly, in dlt's keys: `{ type: 'json_link', next_url_path: 'links.next' }`. */
  config: Record<string, unknown>;
  /** Why it was chosen, e.g. `the response has a Link header with rel="next"`. */
  reason: string;
}

/**
 * Detects one pagination style from a resource's first page, for `{ "type": "auto" }` and for
 * resources without a paginator at any level. A paginator package offers it through
 * `defineAdapter({ detector })`; core never depends on the package. Detectors run in `order`,
 * the first hit wins, and a single page is the fallback.
 */
export interface PaginatorDetector {
  /** When it runs, in dlt's order: see `paginatorDetectionOrder`. Lower runs first. */
  readonly order: number;
  /**
   * Called at most once per request sequence, with the first page (records already selected).
   * Returns undefined when the page does not show this style. Must not guess: a page number it
   * cannot place (the page does not say which page it is) would fetch a page twice.
   */
  detect(page: Page): PaginatorDetection | undefined;
}

/** dlt's detection order: a `Link` header, then a JSON next link, then total pages, then a JSON cursor. */
export const paginatorDetectionOrder = {
  linkHeader: 10,
  jsonLink: 20,
  totalPages: 30,
  jsonCursor: 40,
} as const;

/** What the engine reports in the `paginator_detected` event. */
export interface PaginatorDetectionReport {
  /** The chosen paginator's `type` (`single_page` when nothing was found). */
  paginator: string;
  config: Record<string, unknown>;
  reason: string;
}
