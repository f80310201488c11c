import type { RequestSpec } from './request';

/**
 * Adds credentials to a request. The engine calls `apply` only for requests to the configured
 * base URL's origin; a request to another origin (a next-page URL elsewhere) is sent without it.
 */
export interface Auth {
  readonly kind: 'auth';
  /** The dlt `type` string, e.g. `api_key`. */
  readonly type: string;
  /** Returns a copy of the request with credentials added. */
  apply(request: RequestSpec): RequestSpec | Promise<RequestSpec>;
  /** Every secret value this auth holds, so the engine can redact them everywhere. */
  secrets(): string[];
}
