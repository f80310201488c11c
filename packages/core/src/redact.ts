const mask = '***';

/**
 * Holds every secret value in play and removes them from any text: messages, URLs, log lines,
 * events. The engine registers the secrets each auth declares before the first request.
 */
export interface Redactor {
  /**
   * Registers a value that must never be shown. Values shorter than 3 characters are ignored;
   * adding a value again costs a set lookup (auths hand their secrets over before every request).
   */
  add(value: string): void;
  /** Replaces every registered value (raw and URL-encoded) with `***`. */
  redact(text: string): string;
  /** Whether `text` holds a registered value (raw or URL-encoded), e.g. a header that carries a secret. */
  containsSecret(text: string): boolean;
  /** Redacts URLs in a text: secret values, and the password of every `scheme://user:password@` part. */
  redactUrl(url: string): string;
  /** Deeply redacts every string inside a JSON-like value (for events and state). */
  redactValue<T>(value: T): T;
}

/** `scheme://user:password@`: the password part is masked. */
const userInfoPassword = /\b([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@/\s]*@/gi;

/** How many redacted URLs a redactor remembers (a page's requests in flight and its own). */
const rememberedUrls = 32;

export function createRedactor(initial: Iterable<string> = []): Redactor {
  const values = new Set<string>();
  // The values `add` was called with: adding one again is a set lookup, not three encodings.
  const added = new Set<string>();
  let pattern: RegExp | undefined;

  // URLs redacted lately and their results: a page's URL is redacted for its request and again for
  // its page event, with the requests sent ahead in between. A new secret forgets them.
  const redactedUrls = new Map<string, string>();

  const rebuild = () => {
    redactedUrls.clear();
    const escaped = [...values]
      .sort((a, b) => b.length - a.length)
      .map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pattern = escaped.length > 0 ? new RegExp(escaped.join('|'), 'g') : undefined;
  };

  const redact = (text: string): string => (pattern ? text.replace(pattern, mask) : text);
  const containsSecret = (text: string): boolean => {
    if (!pattern) return false;
    pattern.lastIndex = 0;
    return pattern.test(text);
  };

  const redactor: Redactor = {
    add(value) {
      if (typeof value !== 'string' || value.length < 3 || added.has(value)) return;
      added.add(value);
      const variants = [
        value,
        encodeURIComponent(value),
        new URLSearchParams({ v: value }).toString().slice(2),
      ];
      let changed = false;
      for (const variant of variants) {
        if (!values.has(variant)) {
          values.add(variant);
          changed = true;
        }
      }
      if (changed) rebuild();
    },
    redact,
    containsSecret,
    redactUrl(url) {
      let redacted = redactedUrls.get(url);
      if (redacted === undefined) {
        // A password in the URL's user info (only a URL with an `@` can have one).
        const withoutPassword = url.includes('@') ? url.replace(userInfoPassword, `$1:${mask}@`) : url;
        redacted = redact(withoutPassword);
        if (redactedUrls.size >= rememberedUrls) redactedUrls.clear();
        redactedUrls.set(url, redacted);
      }
      return redacted;
    },
    redactValue<T>(value: T): T {
      if (!pattern) return value;
      return deepRedact(value, redact) as T;
    },
  };
  for (const value of initial) redactor.add(value);
  return redactor;
}

function deepRedact(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => deepRedact(item, redact));
  if (value instanceof Error) return value;
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) result[key] = deepRedact(item, redact);
    return result;
  }
  return value;
}
