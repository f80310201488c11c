import type { Redactor } from '../redact';

/** Headers that are credentials whatever their value. */
const credentialHeaderNames: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
]);

/** Headers without their credentials, and the names of those left out. */
export interface StrippedHeaders {
  headers: Record<string, string>;
  /** The names of the headers left out, in their original order. */
  dropped: string[];
}

/**
 * Returns the headers that may go to an origin other than the configured one: Authorization,
 * Proxy-Authorization and Cookie are left out, and so is every header whose value holds a secret
 * the redactor knows (an API key in `X-API-Key`, a token in a custom header).
 */
export function withoutCredentials(headers: Record<string, string>, redactor: Redactor): StrippedHeaders {
  const kept: Record<string, string> = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (credentialHeaderNames.has(name.toLowerCase()) || redactor.containsSecret(value)) dropped.push(name);
    else kept[name] = value;
  }
  return { headers: kept, dropped };
}

/** A URL without its secret query params, and the names of those left out. */
export interface StrippedUrl {
  url: string;
  /** The names of the query params left out, in their order in the URL (redacted). */
  dropped: string[];
}

/**
 * Returns the URL that may go to an origin other than the configured one: every query param whose
 * name or value holds a secret the redactor knows is left out (an `api_key` that an API echoes in
 * its next links, a secret param of a resource whose path is an absolute URL elsewhere). The other
 * params keep their order and encoding; a URL without secret params is returned as it is.
 */
export function urlWithoutSecrets(url: string, redactor: Redactor): StrippedUrl {
  const parsed = new URL(url);
  const kept: string[] = [];
  const dropped: string[] = [];
  for (const segment of parsed.search.slice(1).split('&')) {
    const [name = '', value = ''] = [...new URLSearchParams(segment)][0] ?? [];
    if ([segment, name, value].some((text) => redactor.containsSecret(text))) {
      dropped.push(redactor.redact(name));
    } else kept.push(segment);
  }
  if (dropped.length === 0) return { url, dropped };
  parsed.search = kept.filter((segment) => segment !== '').join('&');
  return { url: parsed.toString(), dropped };
}
