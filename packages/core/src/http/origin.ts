import { ConfigError } from '../errors';
import type { Redactor } from '../redact';

const absoluteUrlPattern = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Query parameters; `undefined` values are left out. */
export type QueryParams = Record<string, string | number | boolean | undefined>;

function parseUrl(value: string, base: string | undefined, redactor: Redactor | undefined): URL {
  try {
    return new URL(value, base);
  } catch {
    // The TypeError is not chained: it carries the raw input, which may hold a secret.
    const shown = redactor ? redactor.redactUrl(value) : value;
    throw new ConfigError([{ path: 'url', message: `"${shown}" is not a valid URL` }]);
  }
}

/**
 * Resolves a path against `baseUrl` the way dlt does: the path always continues the base URL's
 * path (`https://api.example.com/v1` + `/users` → `https://api.example.com/v1/users`). An absolute
 * URL is kept as is. Query parameters are set (replacing existing ones).
 */
export function resolveUrl(
  baseUrl: string,
  pathOrUrl: string,
  query: QueryParams = {},
  redactor?: Redactor,
): string {
  let url: URL;
  if (absoluteUrlPattern.test(pathOrUrl)) {
    url = parseUrl(pathOrUrl, undefined, redactor);
  } else {
    const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
    url = parseUrl(pathOrUrl.replace(/^\/+/, ''), base, redactor);
  }
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

/** Whether two absolute URLs share scheme, host and port. */
export function isSameOrigin(url: string, otherUrl: string): boolean {
  return new URL(url).origin === new URL(otherUrl).origin;
}

/** Validates a client's base URL; throws `ConfigError` (path `client.baseUrl`) when it is unusable. */
export function validateBaseUrl(baseUrl: string, redactor: Redactor): void {
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    throw new ConfigError([
      {
        path: 'client.baseUrl',
        message: `"${redactor.redactUrl(baseUrl)}" is not an absolute http(s) URL, e.g. https://api.example.com/v1`,
      },
    ]);
  }
}
