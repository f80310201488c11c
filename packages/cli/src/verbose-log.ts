import type { RestsyncEvent } from '@restsync/core';

export interface VerboseLogOptions {
  /** Receives one line per request. */
  write: (text: string) => unknown;
  /** Removes secrets and passwords (the events are redacted already; this is the CLI's last pass). */
  redact: (text: string) => string;
  /** Clock. @default Date.now */
  now?: () => number;
}

interface PendingRequest {
  method: string;
  /** As sent (the auth's query parameters shown redacted). */
  url: string;
  attempt: number;
  startedAt: number;
}

/** The URL without query parameters whose value is redacted: a page's URL lacks the auth's own. */
function withoutRedactedParameters(url: string): string {
  try {
    const parsed = new URL(url);
    for (const [name, value] of [...parsed.searchParams]) {
      if (value.includes('***')) parsed.searchParams.delete(name, value);
    }
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * `--verbose`: one line per HTTP request once it ended, e.g.
 * `restsync: GET https://api.example.com/issues?page=2 → 200 in 84 ms (issues, attempt 1)`.
 * A failed attempt shows its status or error and the wait before the next one. URLs come from the
 * engine's events, redacted.
 */
export function createVerboseLog(options: VerboseLogOptions): (event: RestsyncEvent) => void {
  const now = options.now ?? Date.now;
  const pending = new Map<string, PendingRequest[]>();
  const keyOf = (resource: string, url: string) => `${resource}\u0000${withoutRedactedParameters(url)}`;
  const take = (resource: string, url: string): PendingRequest | undefined => {
    const queue = pending.get(keyOf(resource, url));
    const request = queue?.shift();
    if (queue?.length === 0) pending.delete(keyOf(resource, url));
    return request;
  };
  const line = (
    resource: string,
    url: string,
    outcome: string,
    request: PendingRequest | undefined,
    after = '',
  ) => {
    const method = request?.method ?? 'GET';
    const elapsed = request ? now() - request.startedAt : Number.NaN;
    const duration = Number.isFinite(elapsed) ? ` in ${Math.max(0, Math.round(elapsed))} ms` : '';
    const attempt = request ? `, attempt ${request.attempt}` : '';
    options.write(
      options.redact(
        `restsync: ${method} ${request?.url ?? url} → ${outcome}${duration}${after} (${resource}${attempt})\n`,
      ),
    );
  };
  return (event) => {
    switch (event.type) {
      case 'request': {
        const key = keyOf(event.resource, event.url);
        const queue = pending.get(key) ?? [];
        queue.push({ method: event.method, url: event.url, attempt: event.attempt, startedAt: now() });
        pending.set(key, queue);
        return;
      }
      case 'page':
        line(event.resource, event.url, String(event.status), take(event.resource, event.url));
        return;
      case 'response_ignored':
        line(
          event.resource,
          event.url,
          `${event.status} ignored: ${event.reason}`,
          take(event.resource, event.url),
        );
        return;
      case 'retry': {
        const request = take(event.resource, event.url);
        const wait = `, retrying in ${Math.round(event.delayMs)} ms${event.retryAfter ? ' (Retry-After)' : ''}`;
        line(
          event.resource,
          event.url,
          event.reason,
          request ?? { method: event.method, url: event.url, attempt: event.attempt, startedAt: Number.NaN },
          wait,
        );
        return;
      }
      default:
        return;
    }
  };
}
