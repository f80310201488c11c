/**
 * The engine's events are redacted already (secret values become `***`); these helpers are the
 * last pass before an attribute leaves the process: no user or password in a URL, nothing that
 * looks like a credential in a query string or a message.
 */

/** Query parameters whose value is never exported, whatever the config called secret. */
const credentialParameter =
  /^(api[-_]?key|access[-_]?token|refresh[-_]?token|token|secret|client[-_]?secret|password|passwd|auth|authorization|signature|sig|key)$/i;

export interface SafeUrlOptions {
  /** Leave out parameters whose value is redacted (to match a request with its page). */
  dropRedactedParameters?: boolean;
}

/** The URL without user and password, with credential-like query values replaced by `***`. */
export function safeUrl(url: string, options: SafeUrlOptions = {}): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return safeText(url);
  }
  parsed.username = '';
  parsed.password = '';
  for (const [name, value] of [...parsed.searchParams]) {
    const redacted = value.includes('***') || credentialParameter.test(name);
    if (!redacted) continue;
    if (options.dropRedactedParameters) parsed.searchParams.delete(name, value);
    else parsed.searchParams.set(name, '***');
  }
  return parsed.toString().replaceAll('%2A%2A%2A', '***');
}

/** `server.address` and `server.port` of a URL (HTTP semantic conventions). */
export function serverOf(url: string): { 'server.address'?: string; 'server.port'?: number } {
  try {
    const parsed = new URL(url);
    const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);
    return { 'server.address': parsed.hostname, 'server.port': port };
  } catch {
    return {};
  }
}

/** A message with every URL in it made safe and any `user:password@` removed. */
export function safeText(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (url) => safeUrl(url));
}
