import type { Auth } from '../contracts/auth';
import type { Paginator } from '../contracts/paginator';
import type { WriteDisposition } from '../contracts/schema';
import type { ResponseAction } from '../http/response-actions';
import type { RetryOptions } from '../http/retry-policy';
import type { Secret } from '../secrets';
import type { AdapterRegistry } from './adapter-registry';

/** A secret referenced in plain data: `{ "secret": "api_key" }` reads `API_KEY` (like `secret('api_key')`). */
export interface SecretReference {
  secret: string;
}

/** A value that may be a secret: a literal, `secret('name')`, or `{ secret: 'name' }`. */
export type SecretValue = string | Secret | SecretReference;

/**
 * dlt's short form of a parent placeholder, as a param value:
 * `{ type: 'resolve', resource: 'issues', field: 'number' }` means `{resources.issues.number}`.
 * When the path has a `{<param name>}` placeholder the value goes into the path, otherwise into the query.
 */
export interface ResolveParam {
  type: 'resolve';
  resource: string;
  field: string;
}

export type ParamScalar = string | number | boolean | null;

/** A query parameter: a scalar (`null` leaves it out), a list (repeated), a parent field, or a secret. */
export type ParamValue = ParamScalar | ParamScalar[] | ResolveParam | Secret | SecretReference;

/** A paginator or auth as plain data: `{ type: 'offset', limit: 100 }` (dlt's keys). */
export interface AdapterConfig {
  type: string;
  [option: string]: unknown;
}

/** A paginator factory (`offset({ limit: 100 })`), its data form, or a type name (`'single_page'`). */
export type PaginatorConfig = Paginator | AdapterConfig | string;

/** An auth factory (`apiKey({...})`), its data form (`type` defaults to `bearer`, as in dlt), or a type name. */
export type AuthConfig = Auth | AdapterConfig | Record<string, unknown> | string;

/** One processing step, applied in order to every record of a resource (code form only). */
export type ProcessingStep =
  | { filter: (record: Record<string, unknown>) => boolean }
  | { map: (record: Record<string, unknown>) => Record<string, unknown> };

/** The request of a resource. A plain string is the path. */
export interface EndpointConfig {
  /** Path under the client's base URL (or an absolute URL). `{resources.<parent>.<field>}` placeholders make a child resource. @default the resource name */
  path?: string;
  /** HTTP method. @default 'GET' */
  method?:
    | 'GET'
    | 'POST'
    | 'PUT'
    | 'PATCH'
    | 'DELETE'
    | Lowercase<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'>;
  /** Query parameters (placeholders allowed in string values). */
  params?: Record<string, ParamValue>;
  /** JSON request body (placeholders allowed in string values). */
  json?: unknown;
  /** Request headers (placeholders allowed). */
  headers?: Record<string, SecretValue>;
  /** JSONPath to the records (`data`, `data.items`, `$.results[*]`). @default auto-detected */
  dataSelector?: string;
  /** Overrides the resource defaults' and the client's paginator. */
  paginator?: PaginatorConfig;
  /** Overrides the client's auth for this endpoint. */
  auth?: AuthConfig;
  /** Responses to accept instead of failing, e.g. `{ status: 404, action: 'ignore' }`. */
  responseActions?: (ResponseAction | { status_code?: number; content?: string; action: 'ignore' })[];
}

/** Settings every resource inherits (the resource's own settings win, objects are merged deeply). */
export interface ResourceDefaultsConfig {
  endpoint?: EndpointConfig;
  /** Field(s) identifying a record. Required for `merge`. @default none */
  primaryKey?: string | string[];
  /** @default 'append' */
  writeDisposition?: WriteDisposition;
  processingSteps?: ProcessingStep[];
  /** Parent fields copied into each child record as `_<parent>_<field>`. */
  includeFromParent?: string[];
  /** Stop a request sequence after this many pages. @default unlimited */
  maxPages?: number;
  /**
   * Requests in flight at once when the paginator knows the pages ahead (offset with a known
   * total); pages are still loaded in order. 1 fetches one page at a time. @default 4
   */
  concurrency?: number;
  /** Arrays become child tables (`flatten`) or stay JSON (`json`). @default 'flatten' */
  nested?: 'flatten' | 'json';
  /** Whether the resource's pages are emitted (a non-selected parent is still fetched for its children). @default true */
  selected?: boolean;
  /** Retry settings for this resource's requests, over the client's. */
  retry?: RetryOptions;
  /** Per-attempt timeout for this resource's requests, in milliseconds. @default the client's */
  timeoutMs?: number;
}

/** One resource: a name, and the endpoint to read it from. */
export interface ResourceConfig extends Omit<ResourceDefaultsConfig, 'endpoint'> {
  /** Resource (and table) name. */
  name: string;
  /** The endpoint, or just its path. @default { path: name } */
  endpoint?: string | EndpointConfig;
}

export interface ClientConfig {
  /** Base URL every path continues, e.g. `https://api.example.com/v1`. */
  baseUrl: string;
  /** Headers sent with every request. */
  headers?: Record<string, SecretValue>;
  /** Credentials for the base URL's origin. */
  auth?: AuthConfig;
  /** Paginator used when neither the endpoint nor the resource defaults set one. @default a single page */
  paginator?: PaginatorConfig;
  /** Retry settings for every request. */
  retry?: RetryOptions;
  /** Per-attempt timeout in milliseconds. @default 30_000 */
  timeoutMs?: number;
}

/** The camelCase (code) form of a rest_api config. */
export interface RestApiSourceConfig {
  client: ClientConfig;
  resourceDefaults?: ResourceDefaultsConfig;
  resources: (string | ResourceConfig)[];
}

/** dlt's form of the config as plain data (JSON/YAML): snake_case keys and `type` strings. */
export interface DltRestApiSourceConfig {
  client: { base_url: string; [key: string]: unknown };
  resource_defaults?: Record<string, unknown>;
  resources: (string | Record<string, unknown>)[];
}

export interface RestApiSourceOptions {
  /** Source name. @default 'rest_api' */
  name?: string;
  /** Paginator and auth `type` names, taking precedence over package resolution. */
  registry?: AdapterRegistry;
  /** Directory that adapter packages and the `.env` file are resolved from. @default process.cwd() */
  cwd?: string;
  /** Environment that `{ secret }` references in the config are read from. @default process.env */
  env?: Record<string, string | undefined>;
  /** The fetch implementation for every request. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
}
