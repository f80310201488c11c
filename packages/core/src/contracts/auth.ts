import type { RequestSpec, ResponseInfo } from './request';

/** A request an auth sends itself through `AuthContext.fetch`, e.g. to an OAuth2 token URL. */
export interface AuthFetchRequest {
  /** Absolute URL. It may be on another origin than the API (a token endpoint). */
  url: string;
  /** HTTP method. @default 'POST' when `form` or `json` is given, else 'GET' */
  method?: string;
  /** Request headers; sent only to the origin of `url`, never across a redirect to another origin. */
  headers?: Record<string, string>;
  /** A body sent as `application/x-www-form-urlencoded` (OAuth2 token requests). */
  form?: Record<string, string>;
  /** A body sent as JSON, with `content-type: application/json`. */
  json?: unknown;
}

/**
 * The engine's resilient fetch, as an auth sees it: the client's retry policy (429, 5xx and
 * transport errors, `Retry-After`, backoff), its per-attempt timeout and its redirect rules.
 * Resolves with the parsed JSON response of a 2xx; throws `HttpError`, `AuthError`,
 * `RateLimitError` or `ResponseError`, every message and cause redacted.
 */
export type AuthFetch = (request: AuthFetchRequest) => Promise<ResponseInfo>;

/** What the engine hands an auth with every call. */
export interface AuthContext {
  /**
   * Sends a request of the auth's own (a token request). It adds neither this auth's credentials
   * nor the client's default headers: the auth sends exactly what it names, to the URL it names.
   */
  fetch: AuthFetch;
  /** Aborted when the run is cancelled; `fetch` already honours it. */
  signal: AbortSignal;
  /**
   * Registers a secret the auth obtained at run time (an access token) with the engine's
   * redactor. Call it the moment the value is known, before the value is used or stored, so it
   * never shows in a message, an event or an error. Values shorter than 3 characters are ignored.
   */
  registerSecret(value: string): void;
  /** The configured API origin (`https://api.example.com`): the only origin `apply` is called for. */
  origin: string;
  /** The resource whose request is being authorized, for messages. */
  resource: string;
}

/**
 * Adds credentials to requests. The engine calls `apply` only for requests to the configured base
 * URL's origin; a request to another origin (a next-page URL elsewhere, a redirect) is sent
 * without it, and without any header that holds a registered secret.
 */
export interface Auth {
  readonly kind: 'auth';
  /** The contract version this auth implements; the engine rejects a version it does not know. */
  readonly specificationVersion: 'v1';
  /** The dlt `type` string, e.g. `api_key`. */
  readonly type: string;
  /**
   * Called before every request to the configured origin (again after `refresh`, and for each
   * redirect back to that origin). Returns a copy of the request with credentials added; must not
   * mutate its argument, and applying twice must give the same request as applying once. May use
   * `context.fetch` (e.g. to get a token on first use); concurrent calls are possible, so an auth
   * that fetches a token shares one fetch between them.
   */
  apply(request: RequestSpec, context: AuthContext): RequestSpec | Promise<RequestSpec>;
  /**
   * Optional. Called when the API answers a request that carried these credentials with HTTP 401:
   * the auth renews them (a new access token), then the engine applies it again and repeats the
   * request once. A second 401 fails with `AuthError`. Concurrent 401s share one call.
   */
  refresh?(context: AuthContext): Promise<void>;
  /**
   * Every secret value this auth holds (key, client secret, current token), so the engine can
   * redact them everywhere. Called when the client is built and after every `apply` and `refresh`.
   */
  secrets(): string[];
}
