import type { IncomingHttpHeaders } from 'node:http';
import type { FaultKind, ReferenceApiFaults } from './faults';
import type { ServerRateLimit } from './rate-limit';

/** How a collection pages. Every style reads the page size from `limitParam` (see `CollectionOptions`). */
export type PaginationOptions =
  | {
      /** `?offset=&limit=` → `{ data, total }`. */
      type: 'offset';
      /** @default 'offset' */
      offsetParam?: string;
      /** Body key of the record count; `null` leaves it out. @default 'total' */
      totalKey?: string | null;
    }
  | {
      /** `?page=` → `{ data, total }` where `total` counts pages. */
      type: 'page_number';
      /** @default 'page' */
      pageParam?: string;
      /** Number of the first page. @default 1 */
      basePage?: number;
      /** Body key of the page count; `null` leaves it out. @default 'total' */
      totalKey?: string | null;
    }
  | {
      /** `?cursor=` → `{ data, cursors: { next } }`; the last page's cursor is `null`. */
      type: 'cursor';
      /** @default 'cursor' */
      cursorParam?: string;
      /** Dotted body path of the next cursor. @default 'cursors.next' */
      cursorPath?: string;
    }
  | {
      /** Stripe style: `?starting_after=<last id>` → `{ data, has_more }`. */
      type: 'starting_after';
      /** @default 'starting_after' */
      cursorParam?: string;
      /** @default 'has_more' */
      hasMoreKey?: string;
    }
  | {
      /** `?cursor=` → the next cursor in a response header, absent on the last page. */
      type: 'header_cursor';
      /** @default 'cursor' */
      cursorParam?: string;
      /** @default 'next' */
      header?: string;
    }
  | {
      /** A next URL in the body (`{ data, next }`); see `end` for the last page. */
      type: 'json_link';
      /** Body key of the next URL, e.g. `'@odata.nextLink'`. @default 'next' */
      nextKey?: string;
      /** What the last page carries: `null`, an empty string, or no key at all. @default 'null' */
      end?: 'null' | 'empty' | 'missing';
      /** Send `/v1/items?offset=...` instead of an absolute URL. @default false */
      relative?: boolean;
      /** Origin of the next URLs (another server, to test credentials across origins). @default this server */
      origin?: string;
    }
  | {
      /** RFC 8288 `Link: <url>; rel="next"` (with `first`, `prev` and `last`); no `next` on the last page. */
      type: 'header_link';
      /** Origin of the links. @default this server */
      origin?: string;
    }
  | {
      /** Every record in one response. */
      type: 'single_page';
    };

/** Credentials a collection requires; anything else gets a 401 with a JSON error. */
export type AuthCheck =
  | {
      type: 'api_key';
      value: string;
      /** Parameter, header or cookie name. @default 'api_key' */
      name?: string;
      /** @default 'query' */
      location?: 'query' | 'header' | 'cookie';
    }
  | { type: 'bearer'; token: string }
  | { type: 'http_basic'; username: string; password: string }
  /** A live token from this server's `POST /oauth/token` (see `TestServerOptions.oauth2`). */
  | { type: 'oauth2' };

/** Incremental filtering on `updated_at`. */
export interface IncrementalOptions {
  /** Query parameter of the lower bound (an ISO timestamp, or epoch seconds). @default 'since' */
  sinceParam?: string;
  /** Query parameter of the upper bound (exclusive). @default none */
  untilParam?: string;
  /** Whether a record whose `updated_at` equals the lower bound is served. @default true */
  inclusive?: boolean;
  /** Query parameter that picks the order (`asc` or `desc`), over `CollectionOptions.order`. @default none */
  orderParam?: string;
}

/** A request as the server received it. */
export interface LoggedRequest {
  /** Position in `TestServer.requests`, from 0. */
  index: number;
  method: string;
  /** Path and query, as sent. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: unknown;
  /** What answered: a collection name, `'oauth2'`, `'health'`, a route key, or `'unhandled'`. */
  handler: string;
  /** Status sent; 0 while pending, or when the connection was reset. */
  status: number;
}

/** A scripted reply of a route. `body` is sent as JSON, `text` as is. */
export interface RouteReply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  text?: string;
  /** Wait this long before replying, in ms. @default 0 */
  delayMs?: number;
  /** Never answer (the client must time out or abort). @default false */
  hang?: boolean;
  /** Inject a fault instead of replying (a `truncated` fault cuts `text` or `body`). */
  fault?: Exclude<FaultKind, 'slow' | 'null-data' | 'empty-data'>;
}

/** Answers one request; `undefined` from `fallback` means "no route": 404, and the request is listed in `unhandled`. */
export type RouteHandler = (
  request: LoggedRequest,
) => RouteReply | undefined | Promise<RouteReply | undefined>;

/** One collection of reference records, served at `path` (pages) and `path/{id}` (one record). */
export interface CollectionOptions {
  /** @default `/v1/<name>` */
  path?: string;
  /** Number of records N (ids 1..N). @default 1000 */
  records?: number;
  /** @default { type: 'offset' } */
  pagination?: PaginationOptions;
  /** Query parameter of the page size (every style). @default 'limit' */
  limitParam?: string;
  /** Page size when the request has none. @default 100 */
  pageSize?: number;
  /** Largest page served: the API silently caps a larger page size at it. @default 1000 */
  maxPageSize?: number;
  /** Body key of the records; `null` sends a bare array (header styles and single page only). @default 'data' */
  dataKey?: string | null;
  /** Credentials required. @default the server's `auth`, else none */
  auth?: AuthCheck;
  /** Filter on `updated_at` by query parameter. @default none */
  incremental?: IncrementalOptions;
  /** Record order: by id, or by `updated_at` ascending or descending. @default 'id' */
  order?: 'id' | 'asc' | 'desc';
  /** Delay before each response, in ms, or a function of the collection's request number (1-based). @default 0 */
  latencyMs?: number | ((requestNumber: number) => number);
  /** Faults by the collection's own request number (1-based); wins over the server's `script`. */
  script?: Record<number, FaultKind>;
  /** Answer every request with a 302 to the same path and query on this origin. */
  redirectTo?: string;
}

export interface TestServerOptions {
  /** Collections by name. @default none */
  collections?: Record<string, CollectionOptions>;
  /** Credentials every collection requires unless it sets its own. @default none */
  auth?: AuthCheck;
  /** Enables `POST /oauth/token` (client credentials grant). @default disabled */
  oauth2?: OAuth2ServerOptions;
  /** Extra routes by `'METHOD /path'` or `'/path'` (any method), checked before collections. */
  routes?: Record<string, RouteHandler>;
  /** Answers every request nothing else answers. */
  fallback?: RouteHandler;
  /** Faults by request number (1-based, counting collection requests of the whole server). */
  script?: Record<number, FaultKind>;
  /** Probabilistic faults with a seeded schedule, by the same request numbers. */
  faults?: ReferenceApiFaults;
  /** Delay of a `slow` fault, in ms. @default 2000 */
  slowMs?: number;
  /** `Retry-After` of a 429 fault, in seconds (`faults.retryAfterSeconds` wins). @default 1 */
  retryAfterSeconds?: number;
  /**
   * A published limit on collection requests: above it, a 429 with `Retry-After` and a JSON error
   * (logged with status 429, counted in `stats().rateLimited`). @default none
   */
  rateLimit?: ServerRateLimit;
  /** Generation of every record at start. @default 1 */
  generation?: number;
  /** Port on 127.0.0.1. @default 0 (a free port) */
  port?: number;
}

export interface OAuth2ServerOptions {
  clientId: string;
  clientSecret: string;
  /** Lifetime of each access token, in seconds (`expires_in`). @default 3600 */
  tokenLifetimeSeconds?: number;
  /** Where the client sends its credentials: form body, HTTP Basic (RFC 6749 §2.3.1), or either. @default 'any' */
  clientAuthentication?: 'body' | 'basic' | 'any';
  /** Form fields the token request must also carry, e.g. `{ audience: 'api' }`. @default none */
  requiredParams?: Record<string, string>;
  /** Leave `expires_in` out of the token response. @default false */
  omitExpiresIn?: boolean;
  /** @default '/oauth/token' */
  path?: string;
}
