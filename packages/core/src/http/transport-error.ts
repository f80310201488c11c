/** What the engine knows about a request that got no (complete) response. */
export interface TransportFailure {
  /** Whether repeating the request may help (connection reset, DNS hiccup, timeout, cut-off body). */
  retryable: boolean;
  /** A short machine-readable reason, e.g. `ECONNRESET`. */
  code: string;
  /** A human-readable reason, e.g. `connection reset (ECONNRESET)`. */
  description: string;
}

const retryableCodes: Record<string, string> = {
  ECONNRESET: 'connection reset',
  ECONNREFUSED: 'connection refused',
  ECONNABORTED: 'connection aborted',
  EPIPE: 'connection closed while sending',
  ENOTFOUND: 'DNS lookup failed',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENETDOWN: 'network down',
  UND_ERR_SOCKET: 'socket closed by the other side',
  UND_ERR_CLOSED: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  UND_ERR_HEADERS_TIMEOUT: 'timed out waiting for response headers',
  UND_ERR_BODY_TIMEOUT: 'timed out waiting for the response body',
};

/** The error itself and everything it chains (`cause`, `AggregateError.errors`), depth-limited. */
function chainOf(error: unknown): Record<string, unknown>[] {
  const chain: Record<string, unknown>[] = [];
  const pending: unknown[] = [error];
  while (pending.length > 0 && chain.length < 16) {
    const current = pending.shift();
    if (
      typeof current !== 'object' ||
      current === null ||
      chain.includes(current as Record<string, unknown>)
    ) {
      continue;
    }
    const record = current as Record<string, unknown>;
    chain.push(record);
    pending.push(record.cause);
    if (Array.isArray(record.errors)) pending.push(...record.errors);
  }
  return chain;
}

/**
 * Classifies an error thrown by `fetch` or by reading a response body. undici reports a connection
 * problem as `TypeError('fetch failed')` and a body cut off mid-stream as `TypeError('terminated')`,
 * with the system error (`ECONNRESET`, `UND_ERR_SOCKET`, ...) in `cause`.
 */
export function classifyTransportError(error: unknown): TransportFailure {
  const chain = chainOf(error);
  const terminated = chain.some((item) => item.message === 'terminated');
  const codes = chain.map((item) => item.code).filter((code): code is string => typeof code === 'string');
  const known = codes.find((code) => code in retryableCodes);
  if (terminated) {
    const suffix = known ? ` (${known})` : '';
    return {
      retryable: true,
      code: known ?? 'terminated',
      description: `response cut off mid-stream${suffix}`,
    };
  }
  if (known) return { retryable: true, code: known, description: `${retryableCodes[known]} (${known})` };
  const innermost = chain[chain.length - 1];
  const message = typeof innermost?.message === 'string' ? innermost.message : String(error);
  const code = codes[0] ?? 'unknown';
  return { retryable: false, code, description: codes[0] ? `${message} (${code})` : message };
}

/** The failure reported when an attempt ran past the configured per-request timeout. */
export function timeoutFailure(timeoutMs: number): TransportFailure {
  return {
    retryable: true,
    code: 'ETIMEDOUT',
    description: `no complete response within ${timeoutMs} ms (timeoutMs)`,
  };
}
