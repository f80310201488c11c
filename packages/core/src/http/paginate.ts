import type { Paginator, PaginatorCheckpoint } from '../contracts/paginator';
import type { Page, RequestSpec } from '../contracts/request';
import type { SourcePage } from '../contracts/source';
import { ConfigError, PaginationError } from '../errors';
import type { ResponseAction } from './response-actions';
import type { RestClient, SendResult } from './rest-client';
import type { RetryOptions } from './retry-policy';

/** Where a page came from, as given to `selectRecords`. */
export interface PageContext {
  resource: string;
  request: RequestSpec;
  /** 0-based index of the page within its request sequence. */
  index: number;
}

export interface PaginateOptions {
  /** Sends every request (auth, retries, timeout). */
  client: RestClient;
  /** The resource name, used in events and errors. */
  resource: string;
  /** The initial request, with an absolute URL; the paginator's `first` adds its parameters. */
  request: RequestSpec;
  /** A fresh instance is created via `paginator.create()` per call. */
  paginator: Paginator;
  /** Picks the records out of a response body. @default body if array, else [body] if object, else [] */
  selectRecords?: (body: unknown, page: PageContext) => Record<string, unknown>[];
  /** Stops after this many pages. @default unlimited */
  maxPages?: number;
  /** A stored position, passed to the instance's `resume()` before `first()`. */
  checkpoint?: PaginatorCheckpoint;
  /** Per-resource retry override, merged over the client's. */
  retry?: RetryOptions;
  /** Per-attempt timeout in milliseconds. @default the client's */
  timeoutMs?: number;
  /** Responses to accept instead of failing on; an ignored response ends the sequence. */
  responseActions?: ResponseAction[];
  /** Aborts the sequence, the current request and any retry wait. */
  signal?: AbortSignal;
  /** For a child resource: the parent record, copied onto each page. */
  parent?: Record<string, unknown>;
  /**
   * Requests in flight at once when the paginator knows the upcoming requests (offset with a
   * known total). Pages are still yielded in order. 1 fetches strictly one page at a time.
   * @default 4
   */
  concurrency?: number;
}

/** Default record selection: an array body is the records, an object body is one record. */
export function defaultSelectRecords(body: unknown): Record<string, unknown>[] {
  if (Array.isArray(body)) return body as Record<string, unknown>[];
  if (body !== null && typeof body === 'object') return [body as Record<string, unknown>];
  return [];
}

/** Identity of a request for the loop guard: method, URL, JSON body and headers. */
function requestKey(request: RequestSpec): string {
  const headers = Object.entries(request.headers ?? {})
    .map(([name, value]) => [name.toLowerCase(), value])
    .sort(([first = ''], [second = '']) => first.localeCompare(second));
  return JSON.stringify([
    (request.method || 'GET').toUpperCase(),
    request.url,
    request.json ?? null,
    headers,
  ]);
}

/**
 * Walks one request sequence: creates a fresh paginator instance, sends each request, selects the
 * records, asks the paginator for the next request, and yields every page with the checkpoint
 * reached after it. Guards against loops (the same request twice → `PaginationError`), honours
 * `maxPages`, and reports why it stopped with a `pagination_done` event.
 */
export async function* paginate(options: PaginateOptions): AsyncGenerator<SourcePage> {
  const { client, resource } = options;
  if (options.maxPages !== undefined && !(Number.isInteger(options.maxPages) && options.maxPages >= 1)) {
    throw new ConfigError([
      { path: 'maxPages', message: `must be a whole number >= 1, got ${String(options.maxPages)}` },
    ]);
  }
  const concurrency = options.concurrency ?? 4;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new ConfigError([
      { path: 'concurrency', message: `must be a whole number >= 1, got ${String(concurrency)}` },
    ]);
  }
  const { events, redactor } = client;
  const selectRecords = options.selectRecords ?? defaultSelectRecords;
  const instance = options.paginator.create();
  if (options.checkpoint && instance.resume) instance.resume(options.checkpoint);
  let request = instance.first(options.request);
  const seen = new Set<string>([requestKey(request)]);
  // Requests sent ahead of time; aborted when the sequence ends before they are used.
  const ahead = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, ahead.signal]) : ahead.signal;
  const sendOptions = {
    resource,
    retry: options.retry,
    timeoutMs: options.timeoutMs,
    responseActions: options.responseActions,
    signal,
  };
  const prefetched = new Map<string, Promise<SendResult>>();
  const sendAhead = (upcoming: RequestSpec[]) => {
    for (const candidate of upcoming) {
      if (prefetched.size >= concurrency) return;
      const key = requestKey(candidate);
      if (prefetched.has(key) || seen.has(key)) continue;
      const sending = client.send(candidate, sendOptions);
      sending.catch(() => undefined);
      prefetched.set(key, sending);
    }
  };
  const take = (next: RequestSpec): Promise<SendResult> => {
    const key = requestKey(next);
    const sending = prefetched.get(key);
    if (!sending) return client.send(next, sendOptions);
    prefetched.delete(key);
    return sending;
  };
  let index = 0;
  const done = (reason: string) => events.emit({ type: 'pagination_done', resource, pages: index, reason });

  try {
    yield* walk();
  } finally {
    ahead.abort();
  }

  async function* walk(): AsyncGenerator<SourcePage> {
    while (true) {
      options.signal?.throwIfAborted();
      const result = await take(request);
      const response = { status: result.status, headers: result.headers, body: result.body };
      if (result.ignored !== undefined) {
        const url = redactor.redactUrl(request.url);
        events.emit({
          type: 'response_ignored',
          resource,
          url,
          status: result.status,
          reason: result.ignored,
        });
        done('response ignored');
        return;
      }
      const records = selectRecords(result.body, { resource, request, index });
      const page: Page = {
        resource,
        index,
        request,
        response,
        records,
        ...(options.parent ? { parent: options.parent } : {}),
      };
      const step = instance.next(page);
      const checkpoint = instance.checkpoint?.();
      if (!step.done && concurrency > 1 && instance.upcoming) sendAhead(instance.upcoming(concurrency));
      events.emit({
        type: 'page',
        resource,
        index,
        url: redactor.redactUrl(request.url),
        status: result.status,
        records: records.length,
      });
      index += 1;
      yield checkpoint === undefined ? page : { ...page, checkpoint };

      if (step.done) {
        done(step.reason);
        return;
      }
      if (options.maxPages !== undefined && index >= options.maxPages) {
        done('maxPages reached');
        return;
      }
      const key = requestKey(step.request);
      if (seen.has(key)) {
        throw new PaginationError(
          `resource "${resource}": the paginator asked for ${step.request.method} ` +
            `${redactor.redactUrl(step.request.url)} again after page ${index - 1}, which would loop forever. ` +
            'Check the paginator settings (e.g. the cursor or next-URL path) for this resource.',
        );
      }
      seen.add(key);
      request = step.request;
    }
  }
}
