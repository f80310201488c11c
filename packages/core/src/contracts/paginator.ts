import type { Page, RequestSpec } from './request';

/** What a paginator decides after a page: the next request, or that the sequence is done (and why). */
export type PaginatorStep = { done: false; request: RequestSpec } | { done: true; reason: string };

/** A JSON value describing a resumable position, e.g. `{ offset: 300 }`. */
export type PaginatorCheckpoint = Record<string, unknown>;

/**
 * The live state of one request sequence. The engine creates a fresh instance for every sequence
 * (every run, every parent record of a child resource); an instance is never shared.
 */
export interface PaginatorInstance {
  /** Called once, before the first request; returns the first request (e.g. with `offset=0&limit=100`). */
  first(request: RequestSpec): RequestSpec;
  /**
   * Called after each page with its records already selected. Returns the next request or done.
   * The engine, not the paginator, guards against loops and enforces `maxPages`.
   */
  next(page: Page): PaginatorStep;
  /** The position to resume from after the last page passed to `next` (undefined: not resumable). */
  checkpoint?(): PaginatorCheckpoint | undefined;
  /** Called before `first` to continue from a stored checkpoint. */
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
  /** The dlt `type` string, e.g. `offset`. */
  readonly type: string;
  /** Creates a fresh instance for one request sequence. */
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
    type: 'single_page',
    create: () => ({ first: (request) => request, next: () => paginationDone('single page') }),
  };
}
