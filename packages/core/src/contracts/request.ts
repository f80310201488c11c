import { setQueryParams } from './query-params';

/** A request the engine is about to send. Paginators and auth return modified copies; never mutate. */
export interface RequestSpec {
  /** HTTP method in upper case. @default 'GET' */
  method: string;
  /** Absolute URL, query string included. */
  url: string;
  /** Request headers (lower-case names recommended). */
  headers: Record<string, string>;
  /** JSON body, sent with `content-type: application/json`. */
  json?: unknown;
  /**
   * A body other than JSON, sent as is instead of `json`: a form (`a=1&b=2`, with its
   * `content-type` header) or raw text (no content type unless a header sets one).
   */
  body?: string;
}

/** What came back for one request. */
export interface ResponseInfo {
  status: number;
  headers: Headers;
  /** The parsed JSON body (undefined for an empty body). */
  body: unknown;
}

/**
 * One page of a resource: the request that produced it, the response, and the records selected
 * from it. Hooks and custom paginators see the whole context.
 */
export interface Page<TRecord = Record<string, unknown>> {
  /** The resource this page belongs to. */
  resource: string;
  /** 0-based index of this page within its request sequence. */
  index: number;
  request: RequestSpec;
  response: ResponseInfo;
  records: TRecord[];
  /** For child resources: the parent record this page was fetched for. */
  parent?: Record<string, unknown>;
}

/** Returns a copy of `request` with the given query parameters set (replacing existing ones). */
export function withQuery(
  request: RequestSpec,
  params: Record<string, string | number | boolean>,
): RequestSpec {
  const entries = Object.entries(params).map(([key, value]) => [key, String(value)] as const);
  return { ...request, url: setQueryParams(request.url, entries) };
}

/** Returns a copy of `request` with the given headers set. */
export function withHeaders(request: RequestSpec, headers: Record<string, string>): RequestSpec {
  return { ...request, headers: { ...request.headers, ...headers } };
}
