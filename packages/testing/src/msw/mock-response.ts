import { HttpResponse } from 'msw';

/** One scripted response of a route sequence. */
export interface MockResponse {
  /** HTTP status. @default 200 */
  status?: number;
  /** Response headers. */
  headers?: Record<string, string>;
  /**
   * Response body: a string is sent as is (`text/plain` unless `headers` set a content type, so
   * broken JSON is easy to serve); anything else is sent as JSON; undefined sends no body.
   */
  body?: unknown;
  /** Wait this long before responding, in milliseconds (works with `vi.useFakeTimers`). @default 0 */
  delayMs?: number;
  /** Fail at the transport level instead of responding: `fetch` rejects with a TypeError. @default false */
  networkError?: boolean;
}

/** What a route function returns: a `Response` as is, anything else as a JSON 200. */
export type MockRouteResult = Response | object;

/** Answers a request; `call` is 1 for the first request this route received. */
export type MockRouteFunction = (
  request: Request,
  call: number,
) => MockRouteResult | Promise<MockRouteResult>;

/**
 * A route: a function, or a sequence of responses by call number (call 1 gets the first entry;
 * the last entry repeats for every later call).
 */
export type MockRoute = MockRouteFunction | readonly MockResponse[];

/** Routes keyed by `'<METHOD> <url without query>'`, e.g. `'GET https://api.example.com/v1/resource'`. */
export type MockRoutes = Record<string, MockRoute>;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Builds the `Response` of one sequence entry, after its delay. */
export async function sequenceResponse(entry: MockResponse): Promise<Response> {
  if (entry.delayMs) await sleep(entry.delayMs);
  if (entry.networkError) return HttpResponse.error();
  const status = entry.status ?? 200;
  const headers = new Headers(entry.headers);
  if (entry.body === undefined) return new HttpResponse(null, { status, headers });
  if (typeof entry.body === 'string') {
    if (!headers.has('content-type')) headers.set('content-type', 'text/plain');
    return new HttpResponse(entry.body, { status, headers });
  }
  return HttpResponse.json(entry.body, { status, headers });
}

/** Turns what a route function returned into a `Response`. */
export function functionResponse(result: MockRouteResult): Response {
  return result instanceof Response ? result : HttpResponse.json(result);
}
