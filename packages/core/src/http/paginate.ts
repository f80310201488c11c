import type { PageExpectation, Paginator, PaginatorCheckpoint } from '../contracts/paginator';
import type { Page, RequestSpec } from '../contracts/request';
import type { SourcePage } from '../contracts/source';
import { ConfigError, PaginationError } from '../errors';
import type { RestsyncEvent } from '../events';
import type { RateLimiter } from './rate-limit';
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
  /** The resource's own rate limit, instead of the API's (see `SendOptions.rateLimiter`). */
  rateLimiter?: RateLimiter;
  /** For a child resource: the parent record, copied onto each page. */
  parent?: Record<string, unknown>;
  /**
   * Requests in flight at once when the paginator knows the upcoming requests (offset with a
   * known total). Pages are still yielded in order. 1 fetches strictly one page at a time.
   * @default 4
   */
  concurrency?: number;
}

type PageEvent = Extract<RestsyncEvent, { type: 'page' }>;

/** A page that passed the consistency check, with what the paginator expected of it. */
interface Checked {
  page: Page;
  expectation: PageExpectation | undefined;
}

/** Default record selection: an array body is the records, an object body is one record. */
export function defaultSelectRecords(body: unknown): Record<string, unknown>[] {
  if (Array.isArray(body)) return body as Record<string, unknown>[];
  if (body !== null && typeof body === 'object') return [body as Record<string, unknown>];
  return [];
}

function isEmpty(object: object): boolean {
  for (const _key in object) return false;
  return true;
}

/**
 * Identity of a request for the loop guard and the requests sent ahead: method, URL, JSON body and
 * headers. A request with neither (the common page request) is `METHOD url`, built without JSON;
 * any other is a JSON array, which starts with `[` where a method cannot, so the two never meet.
 */
function requestKey(request: RequestSpec): string {
  const method = request.method || 'GET';
  if (request.json == null && (request.headers === undefined || isEmpty(request.headers))) {
    // A paginator planning ahead returns the same request for a position each time: its key, made
    // once, keeps its hash for the sets it is looked up in. Checked against the URL and method, so
    // a paginator that changes a request in place gets a new key.
    const known = simpleKeys.get(request);
    if (known !== undefined && known.url === request.url && known.method === method) return known.key;
    const key = `${method.toUpperCase()} ${request.url}`;
    simpleKeys.set(request, { url: request.url, method, key });
    return key;
  }
  const headers = Object.entries(request.headers ?? {})
    .map(([name, value]) => [name.toLowerCase(), value])
    .sort(([first = ''], [second = '']) => first.localeCompare(second));
  return JSON.stringify([method.toUpperCase(), request.url, request.json ?? null, headers]);
}

/** The keys of requests with neither a JSON body nor headers, by request object (see `requestKey`). */
const simpleKeys = new WeakMap<RequestSpec, { url: string; method: string; key: string }>();

/**
 * Walks one request sequence: creates a fresh paginator instance, sends each request, selects the
 * records, asks the paginator for the next request, and yields every page with the checkpoint
 * reached after it. Guards against loops (the same request twice → `PaginationError`), honours
 * `maxPages`, and reports why it stopped with a `pagination_done` event.
 *
 * Page consistency: a page holding fewer records than the paginator's `expectation` allows (an
 * empty page before a known total) is requested again once; if it still holds too few, the
 * sequence fails with a `PaginationError` naming the resource, the position and the total, so it
 * never ends early in silence. A page short of the limit that is not the last makes a `warning`
 * event, once per sequence: the API caps the page size.
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
    ...(options.rateLimiter === undefined ? {} : { rateLimiter: options.rateLimiter }),
  };
  // Responses sent ahead, kept until `next` asks for their request or the paginator's plan drops it.
  const prefetched = new Map<string, Promise<SendResult>>();
  const sendAhead = (upcoming: RequestSpec[]) => {
    const planned = new Set(upcoming.map(requestKey));
    for (const key of prefetched.keys()) {
      if (planned.has(key)) continue;
      // Sent on a plan the paginator has revised (e.g. after a capped page): no `next` will ask for
      // it. It runs to its end unread, or until the sequence ends: an abort of its own would cost
      // a controller per page sent ahead, for a plan that rarely changes.
      prefetched.delete(key);
    }
    for (const candidate of upcoming) {
      if (prefetched.size >= concurrency) return;
      const key = requestKey(candidate);
      if (prefetched.has(key) || seen.has(key)) continue;
      const sending = client.send(candidate, sendOptions);
      // Its failure reaches the page that takes it; one never taken (the sequence ended first, the
      // plan changed) is no failure of the sequence.
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
  let warnedPageSize = false;
  const done = (reason: string) => events.emit({ type: 'pagination_done', resource, pages: index, reason });

  /** The page of `sent` (taken from the requests sent ahead unless `again`), or undefined when a response action ignored it. */
  const fetchPage = async (sent: RequestSpec, again: boolean): Promise<Page | undefined> => {
    const result = await (again ? client.send(sent, sendOptions) : take(sent));
    if (result.ignored !== undefined) {
      events.emit({
        type: 'response_ignored',
        resource,
        url: redactor.redactUrl(sent.url),
        status: result.status,
        reason: result.ignored,
      });
      return undefined;
    }
    const page: Page = {
      resource,
      index,
      request: sent,
      response: { status: result.status, headers: result.headers, body: result.body },
      records: selectRecords(result.body, { resource, request: sent, index }),
    };
    if (options.parent) page.parent = options.parent;
    return page;
  };

  const tooFew = (page: Page, expectation: PageExpectation) =>
    page.records.length < expectation.minimumRecords;

  /**
   * Checks `page` against what the paginator expects of it: a page with too few records is
   * requested once more, and fails the sequence if it still has too few. Returns the page to use
   * with its expectation, or undefined when a response action ignored the page requested again.
   */
  const consistentPage = async (page: Page): Promise<Checked | undefined> => {
    const expectation = instance.expectation?.(page);
    if (expectation === undefined || !tooFew(page, expectation)) return { page, expectation };
    const url = redactor.redactUrl(page.request.url);
    const method = (page.request.method || 'GET').toUpperCase();
    const reason = `${describeCount(page.records.length)} at ${expectation.position}, before the end of the total (${expectation.total})`;
    events.emit({ type: 'retry', resource, method, url, attempt: 1, reason, delayMs: 0, retryAfter: false });
    events.emit({
      type: 'log',
      level: 'warn',
      message: `resource "${resource}": ${method} ${url} returned ${reason}; requesting the page again once`,
    });
    const again = await fetchPage(page.request, true);
    if (again === undefined) return undefined;
    const expected = instance.expectation?.(again);
    if (expected === undefined || !tooFew(again, expected)) return { page: again, expectation: expected };
    const message =
      `resource "${resource}": the page at ${expected.position} (${method} ${url}) held ` +
      `${describeCount(again.records.length)}, also when requested again, but the total is ${expected.total}, ` +
      `so it should hold at least ${describeCount(expected.minimumRecords)}. The API contradicts its own total; ` +
      `the sync stops here instead of ending early with records missing (${index} pages read before it).`;
    throw new PaginationError(expected.hint ? `${message} ${expected.hint}` : message);
  };

  /** Warns once per sequence when a page that is not the last is shorter than the limit asked. */
  const checkPageSize = ({ page, expectation }: Checked) => {
    if (warnedPageSize) return;
    const count = page.records.length;
    if (expectation?.pageSize === undefined || expectation.last) return;
    if (count === 0 || count >= expectation.pageSize) return;
    warnedPageSize = true;
    events.emit({
      type: 'warning',
      resource,
      code: 'page_size_capped',
      message:
        `resource "${resource}": the API caps the page size at ${count} (limit asked: ${expectation.pageSize}), ` +
        `seen at ${expectation.position} of ${expectation.total}. Set the paginator's limit to ${count} or less to match it.`,
    });
  };

  try {
    yield* walk();
  } finally {
    ahead.abort();
  }

  async function* walk(): AsyncGenerator<SourcePage> {
    while (true) {
      options.signal?.throwIfAborted();
      const fetched = await fetchPage(request, false);
      const checked = fetched && (await consistentPage(fetched));
      if (checked === undefined) {
        done('response ignored');
        return;
      }
      checkPageSize(checked);
      const { page } = checked;
      const step = instance.next(page);
      const detected = instance.detection?.();
      if (detected !== undefined) events.emit({ type: 'paginator_detected', resource, ...detected });
      const checkpoint = instance.checkpoint?.();
      const total = instance.expectedTotal?.();
      if (!step.done && concurrency > 1 && instance.upcoming) sendAhead(instance.upcoming(concurrency));
      const pageEvent: PageEvent = {
        type: 'page',
        resource,
        index,
        url: redactor.redactUrl(request.url),
        status: page.response.status,
        records: page.records.length,
      };
      if (total !== undefined) pageEvent.total = total;
      events.emit(pageEvent);
      index += 1;
      // The page itself, not a copy with the checkpoint spread in: the paginator made it for this sequence.
      if (checkpoint !== undefined) (page as SourcePage).checkpoint = checkpoint;
      yield page;

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

function describeCount(count: number): string {
  if (count === 0) return 'no records';
  return count === 1 ? '1 record' : `${count} records`;
}
