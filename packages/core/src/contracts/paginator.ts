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
   * `count` requests starting with the one `next` just returned, assuming every page is full.
   * The engine sends them concurrently, but a response is used only when `next` later returns
   * exactly that request; the others are discarded. Return `[]` when nothing is known ahead.
   */
  upcoming?(count: number): RequestSpec[];
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
