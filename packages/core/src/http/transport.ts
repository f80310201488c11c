import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import type { Dispatcher } from 'undici';
import type { AbortScope } from './abort-scope';
import { responseHeaders } from './response-headers';

/** One request as it goes on the wire (the client follows redirects itself). */
export interface WireRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** A string, or bytes (so `fetch` adds no content type of its own). */
  body: string | Uint8Array | undefined;
  /** Aborts the request and the reading of its body (per-attempt timeout, caller's abort). */
  abort: AbortScope;
}

/** A complete response: status, headers and the whole body as text. */
export interface WireResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Sends one request and reads its whole body; rejects on a transport failure or an abort. */
export type Transport = (request: WireRequest) => Promise<WireResponse>;

/** `fetch` as this module found it: anything else in `globalThis.fetch` later is an interceptor or a stub. */
const fetchAtLoad = globalThis.fetch;

/** A transport over a `fetch` implementation (with `redirect: 'manual'`). */
export function fetchTransport(fetchImplementation: typeof globalThis.fetch): Transport {
  return async (request) => {
    const response = await fetchImplementation(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: request.abort.signal,
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
}

const decompressors: Record<string, (buffer: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/** The encodings the undici transport asks for and decodes, as `fetch` does. */
const acceptedEncodings = 'gzip, deflate, br';

let dispatcher: Promise<Dispatcher> | undefined;
/** undici's agent once loaded: later requests do not wait a turn for the loading promise. */
let loaded: Dispatcher | undefined;

/** undici, loaded on the first request (so a run that never sends one does not pay for it). */
function loadUndici(): Promise<Dispatcher> {
  // The CommonJS module object, as Node and the bundled chunk both give it (as `default`).
  dispatcher ??= import('undici').then(({ default: undici }) => {
    // One keep-alive connection pool per origin, shared by every client of the process.
    loaded = new undici.Agent({ keepAliveTimeout: 10_000 });
    return loaded;
  });
  return dispatcher;
}

/**
 * `url`'s origin and its path with query (no fragment), as undici's dispatcher takes them. An
 * http(s) URL without user info is split where its path starts; anything else goes through `URL`.
 */
export function originAndPath(url: string): { origin: string; path: string } {
  const start = url.startsWith('https://') ? 8 : url.startsWith('http://') ? 7 : -1;
  let end = start;
  while (end > 0 && end < url.length) {
    const code = url.charCodeAt(end);
    // '/', '?' and '#' end the authority; user info ('@') or a backslash take the slow path.
    if (code === 47 || code === 63 || code === 35) break;
    end = code === 64 || code === 92 ? -1 : end + 1;
  }
  if (end > start) {
    const hash = url.indexOf('#', end);
    const rest = hash < 0 ? url.slice(end) : url.slice(end, hash);
    return { origin: url.slice(0, end), path: rest.startsWith('/') ? rest : `/${rest}` };
  }
  const parsed = new URL(url);
  return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}

/** A whole response as undici's dispatcher delivers it: the status, the raw header pairs, the body's chunks. */
interface RawResponse {
  status: number;
  rawHeaders: Buffer[];
  chunks: Buffer[];
}

/**
 * Receives one response from undici's dispatcher into memory: no stream, no async resource and no
 * abort listener per request, which `request()` adds. The attempt's abort scope aborts it at any
 * point, before the response or while its body arrives.
 */
class WholeResponseHandler {
  readonly #resolve: (response: RawResponse) => void;
  readonly #reject: (error: unknown) => void;
  readonly #abort: AbortScope;
  #detach: (() => void) | undefined;
  #status = 0;
  #rawHeaders: Buffer[] = [];
  #chunks: Buffer[] = [];

  constructor(abort: AbortScope, resolve: (response: RawResponse) => void, reject: (error: unknown) => void) {
    this.#abort = abort;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.#detach?.();
    this.#detach = this.#abort.onAbort((reason) => abort(reason as Error));
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    // 1xx responses (100 Continue, 103 Early Hints) precede the response itself.
    if (status < 200) return true;
    this.#status = status;
    this.#rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    this.#detach?.();
    this.#resolve({ status: this.#status, rawHeaders: this.#rawHeaders, chunks: this.#chunks });
  }

  onError(error: Error): void {
    this.#detach?.();
    this.#reject(error);
  }
}

/** The response headers as `fetch` gives them, and the body's `content-encoding` (lower case), if any. */
function readHeaders(rawHeaders: Buffer[]): { headers: Headers; encoding: string | undefined } {
  const raw = rawHeaders.map((item) => item.toString('latin1'));
  const headers = responseHeaders(raw);
  return { headers, encoding: headers.get('content-encoding')?.toLowerCase() };
}

function sendRaw(agent: Dispatcher, request: WireRequest): Promise<RawResponse> {
  const { origin, path } = originAndPath(request.url);
  // Names and values alternating, as undici takes them: no object spread per request.
  const headers: string[] = [];
  for (const name in request.headers) headers.push(name, request.headers[name] as string);
  if (request.headers['accept-encoding'] === undefined) headers.push('accept-encoding', acceptedEncodings);
  return new Promise((resolve, reject) => {
    const handler = new WholeResponseHandler(request.abort, resolve, reject);
    if (request.abort.aborted) {
      reject(request.abort.reason);
      return;
    }
    agent.dispatch(
      { origin, path, method: request.method as Dispatcher.HttpMethod, headers, body: request.body ?? null },
      handler as unknown as Dispatcher.DispatchHandler,
    );
  });
}

/**
 * The default transport: undici's dispatcher on a keep-alive connection pool per origin, with the
 * whole response gathered in memory, which does far less work per request than `fetch` (no WHATWG
 * streams) or undici's `request` (no body stream). Asks for gzip, deflate or br unless the request
 * names its own `accept-encoding`, and decodes the body as `fetch` would.
 */
const undiciTransport: Transport = async (request) => {
  const { status, rawHeaders, chunks } = await sendRaw(loaded ?? (await loadUndici()), request);
  const { headers, encoding } = readHeaders(rawHeaders);
  const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  const decompress = encoding === undefined ? undefined : decompressors[encoding];
  if (decompress === undefined) return { status, headers, text: body.toString('utf8') };
  headers.delete('content-encoding');
  headers.delete('content-length');
  return { status, headers, text: (await decompress(body)).toString('utf8') };
};

/**
 * The transport for one request: the injected `fetch` when there is one; `globalThis.fetch` when
 * something replaced it after this module loaded (msw and other interceptors, test stubs), so
 * they keep seeing every request; undici otherwise.
 */
export function chooseTransport(injected: typeof globalThis.fetch | undefined): () => Transport {
  if (injected) {
    const transport = fetchTransport(injected);
    return () => transport;
  }
  let replaced: typeof globalThis.fetch | undefined;
  let replacedTransport: Transport | undefined;
  return () => {
    const current = globalThis.fetch;
    if (current === fetchAtLoad) return undiciTransport;
    if (current !== replaced) {
      replaced = current;
      replacedTransport = fetchTransport(current);
    }
    return replacedTransport as Transport;
  };
}
