import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the fake API received it. */
export interface ApiRequest {
  method: string;
  /** Path without the query, e.g. `/v1/users`. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or undefined. */
  json: unknown;
}

export interface ApiReply {
  status?: number;
  body?: unknown;
}

/** Answers a request; returning undefined means "no route": the request fails the test. */
export type ApiHandler = (request: ApiRequest) => ApiReply | undefined;

export interface FakeApi {
  /** e.g. `http://127.0.0.1:41234` */
  origin: string;
  requests: ApiRequest[];
  /** Requests no route answered (a test should expect none). */
  unhandled: ApiRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 (random port) answering JSON from a handler. */
export async function startFakeApi(handler: ApiHandler): Promise<FakeApi> {
  const requests: ApiRequest[] = [];
  const unhandled: ApiRequest[] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      const request: ApiRequest = {
        method: incoming.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: incoming.headers,
        json: text === '' ? undefined : JSON.parse(text),
      };
      requests.push(request);
      const reply = handler(request);
      if (!reply) {
        unhandled.push(request);
        response.writeHead(418, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: `no route for ${request.method} ${request.path}` }));
        return;
      }
      response.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
      response.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    unhandled,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
