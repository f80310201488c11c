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
