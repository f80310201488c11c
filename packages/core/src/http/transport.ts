import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import type { Dispatcher } from 'undici';

/** One request as it goes on the wire (the client follows redirects itself). */
export interface WireRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** A string, or bytes (so `fetch` adds no content type of its own). */
  body: string | Uint8Array | undefined;
  /** Aborts the request and the reading of its body (per-attempt timeout, caller's abort). */
  signal: AbortSignal;
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
      signal: request.signal,
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

interface Undici {
  request: typeof import('undici').request;
  agent: Dispatcher;
}

let dispatcher: Promise<Undici> | undefined;
/** undici once loaded: later requests do not wait a turn for the loading promise. */
let loaded: Undici | undefined;

/** undici, loaded on the first request (so a run that never sends one does not pay for it). */
function loadUndici(): Promise<Undici> {
  // The CommonJS module object, as Node and the bundled chunk both give it (as `default`).
  dispatcher ??= import('undici').then(({ default: undici }) => {
    loaded = {
      request: undici.request,
      // One keep-alive connection pool per origin, shared by every client of the process.
      agent: new undici.Agent({ keepAliveTimeout: 10_000 }),
    };
    return loaded;
  });
  return dispatcher;
}

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const name in raw) {
    const value = raw[name];
    if (typeof value === 'string') headers.append(name, value);
    else if (value !== undefined) for (const item of value) headers.append(name, item);
  }
  return headers;
}

/**
 * The default transport: undici's `request` on a keep-alive connection pool per origin, which
 * does far less work per request than `fetch` (no WHATWG streams). Asks for gzip, deflate or br
 * unless the request names its own `accept-encoding`, and decodes the body as `fetch` would.
 */
const undiciTransport: Transport = async (request) => {
  const { request: send, agent } = loaded ?? (await loadUndici());
  const headers =
    request.headers['accept-encoding'] === undefined
      ? { ...request.headers, 'accept-encoding': acceptedEncodings }
      : request.headers;
  const response = await send(request.url, {
    method: request.method as Dispatcher.HttpMethod,
    headers,
    body: request.body,
    signal: request.signal,
    dispatcher: agent,
  });
  const encoding = response.headers['content-encoding'];
  const decompress = typeof encoding === 'string' ? decompressors[encoding.trim().toLowerCase()] : undefined;
  const text =
    decompress === undefined
      ? await response.body.text()
      : (await decompress(Buffer.from(await response.body.arrayBuffer()))).toString('utf8');
  const responseHeaders = toHeaders(response.headers);
  if (decompress !== undefined) {
    responseHeaders.delete('content-encoding');
    responseHeaders.delete('content-length');
  }
  return { status: response.statusCode, headers: responseHeaders, text };
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
