import { isSerializedUrl } from '../contracts/query-params';
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
  // A page URL restsync wrote itself (a paginator's or a query auth's), with no query to add.
  if (isSerializedUrl(pathOrUrl) && isEmptyQuery(query)) return pathOrUrl;
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

function isEmptyQuery(query: QueryParams): boolean {
  for (const key in query) if (query[key] !== undefined) return false;
  return true;
}

/** The origin of an absolute URL (scheme, host and port, as `URL.origin` writes it). */
function originOf(url: string): string {
  return new URL(url).origin;
}

/**
 * The origin of an absolute URL, without parsing it when it starts with `origin` and a `/` (the
 * form `URL.href` writes): the authority ends at that `/`, so the URL is on `origin`. Any other
 * spelling (a default port, upper case, a backslash) is parsed.
 */
export function originOn(url: string, origin: string): string {
  return url.startsWith(origin) && url.charCodeAt(origin.length) === 47 ? origin : originOf(url);
}

/** Whether an absolute URL is on an origin (as `URL.origin` writes it: `https://api.example.com`). */
export function isSameOrigin(url: string, origin: string): boolean {
  return originOn(url, origin) === origin;
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
