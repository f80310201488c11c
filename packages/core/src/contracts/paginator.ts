import type { PaginatorDetectionReport } from './paginator-detection';
import type { Page, RequestSpec } from './request';

/** What a paginator decides after a page: the next request, or that the sequence is done (and why). */
export type PaginatorStep = { done: false; request: RequestSpec } | { done: true; reason: string };

/** A JSON value describing a resumable position, e.g. `{ offset: 300 }`. */
export type PaginatorCheckpoint = Record<string, unknown>;

/**
 * The live state of one request sequence. The engine creates a fresh instance for every sequence
 * (every run, every parent record of a child resource); an instance is never shared, so it may
 * keep mutable state. The engine calls its members from one sequence at a time, never
 * concurrently: `resume` (optional), then `first`, then `next` once per page in page order.
 */
export interface PaginatorInstance {
  /**
   * Called once per sequence, before the first request (after `resume` when resuming). Receives the
   * resource's request with the base URL, path, params and body already applied; returns the first
   * request (e.g. with `offset=0&limit=100`). Must not mutate its argument.
   */
  first(request: RequestSpec): RequestSpec;
  /**
   * Called after each page, in page order, with its records already selected by the data
   * selector. Returns the next request or done (with a reason the engine reports).
   * The engine, not the paginator, guards against loops (the same request twice), enforces
   * `maxPages` and stops when the run is cancelled; a paginator never needs a timer or a counter
   * for that.
   */
  next(page: Page): PaginatorStep;
  /**
   * Called after `next`, when the engine stores progress. Returns the position to resume from
   * after the last page passed to `next`, as plain JSON (undefined: not resumable). The engine
   * stores it in the same transaction as the rows of that page, so resuming never skips or
   * repeats a committed page.
   */
  checkpoint?(): PaginatorCheckpoint | undefined;
  /**
   * Called at most once, before `first`, with a checkpoint this paginator type returned in an
   * earlier run of the same resource; continue from it.
   */
  resume?(checkpoint: PaginatorCheckpoint): void;
  /**
   * Optional, for paginators that know the requests ahead (offset with a known total): up to
   * `count` requests starting with the one `next` just returned, assuming every page holds as
   * many records as the API gives (the limit, or the smaller page size the API caps it at).
   * Called after every `next`. The engine sends them concurrently and keeps each response until
   * `next` returns exactly that request; it drops one only when `upcoming` no longer lists it (the
   * paginator re-planned, e.g. after a short page). Return `[]` when nothing is known ahead.
   */
  upcoming?(count: number): RequestSpec[];
  /**
   * Optional, for a paginator that chooses its style from the first page (`auto`): called after
   * each `next`; returns which paginator it chose and why, once, then undefined. The engine
   * reports it as a `paginator_detected` event.
   */
  detection?(): PaginatorDetectionReport | undefined;
  /**
   * Optional: what the paginator knows a page must hold, for the engine's page-consistency check.
   * Called with each page before `next` (and again with a re-sent page), it must not change the
   * instance's state. Return undefined when nothing is known (no total).
   *
   * The engine, not the paginator, enforces it: a page with fewer than `minimumRecords` records
   * is re-requested once, and if it still holds too few the sequence fails with a
   * `PaginationError` naming the resource, `position` and `total`; it never ends silently. A page
   * that is not the `last` and holds fewer than `pageSize` records (but enough) makes the engine
   * warn once that the API caps the page size.
   */
  expectation?(page: Page): PageExpectation | undefined;
  /**
   * Optional: what the whole sequence is expected to fetch, from where it started (after `resume`),
   * when the paginator knows it (a total in the response, a maximum position). Called after each
   * `next`; the engine reports it on the `page` event so progress can show a percentage and an ETA.
   * Return undefined when nothing is known.
   */
  expectedTotal?(): { records?: number; pages?: number } | undefined;
}

/** What a page must hold according to what the paginator knows (e.g. a total), from `expectation`. */
export interface PageExpectation {
  /** Where the page is, for messages: `offset 3000`, `page 4`. */
  position: string;
  /** What the paginator knows of the total, for messages: `20000 records`, `34 pages`. */
  total: string;
  /**
   * The fewest records the page can hold without contradicting what the paginator knows: 1 for a
   * page before a known total (a page number before the last: as many as the largest page before
   * it), 0 when an empty page is consistent (past the total, or `stopAfterEmptyPage: false`).
   */
  minimumRecords: number;
  /** Whether this page is the last one the paginator expects. */
  last: boolean;
  /** Records asked for per page (the limit), when the paginator sends one. */
  pageSize?: number;
  /** What to do when the API is right and the expectation wrong, e.g. `set total_path to null if the total is only an estimate`. */
  hint?: string;
}

/** A paginator factory, as returned by `offset({ limit: 100 })`. */
export interface Paginator {
  readonly kind: 'paginator';
  /**
   * The contract version this paginator implements. The engine checks it when the source is
   * built and rejects an unknown version with a `ConfigError`.
   */
  readonly specificationVersion: 'v1';
  /** The dlt `type` string, e.g. `offset`. */
  readonly type: string;
  /**
   * Called by the engine at the start of every request sequence (each run, each parent record of
   * a child resource, never shared). Returns a fresh instance; must not throw for valid options,
   * which the factory already checked.
   */
  create(): PaginatorInstance;
}

export function nextRequest(request: RequestSpec): PaginatorStep {
  return { done: false, request };
}

export function paginationDone(reason: string): PaginatorStep {
  return { done: true, reason };
}

/** A paginator that makes exactly one request. */
export function singlePage(): Paginator {
  return {
    kind: 'paginator',
    specificationVersion: 'v1',
    type: 'single_page',
    create: () => ({ first: (request) => request, next: () => paginationDone('single page') }),
  };
}
