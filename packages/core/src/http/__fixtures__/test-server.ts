import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/** A request as the test server received it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/items?api_key=...`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Answers one request; `index` counts the server's requests from 0. */
export type Responder = (
  request: IncomingMessage,
  response: ServerResponse,
  recorded: RecordedRequest,
  index: number,
) => void;

export interface TestServer {
  /** e.g. `http://127.0.0.1:41234` */
  origin: string;
  url(path: string): string;
  requests: RecordedRequest[];
  /** Resolves once the server has received `count` requests in total. */
  received(count: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a real HTTP server on 127.0.0.1 with a random port. */
export async function startTestServer(respond: Responder): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded: RecordedRequest = {
        method: request.method ?? 'GET',
        url: request.url ?? '/',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const index = requests.push(recorded) - 1;
      for (const waiter of waiters.filter((item) => item.count <= requests.length)) waiter.resolve();
      respond(request, response, recorded, index);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (path) => `${origin}${path}`,
    requests,
    received: (count) =>
      count <= requests.length
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiters.push({ count, resolve });
          }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Returns a `serve(respond)` that starts a test server; every server it started is closed after each
 * test (it registers a vitest `afterEach`: call it once, at the top level of a test file).
 */
export function serveForEachTest(): (respond: Responder) => Promise<TestServer> {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  return async (respond) => {
    const server = await startTestServer(respond);
    servers.push(server);
    return server;
  };
}

/** Sends a JSON response. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(text);
}

/** Uses the responders in order, one per request; the last one answers every further request. */
export function inSequence(...responders: Responder[]): Responder {
  return (request, response, recorded, index) => {
    const responder = responders[Math.min(index, responders.length - 1)];
    responder?.(request, response, recorded, index);
  };
}

/** Closes the connection without any response (the client sees a reset / socket closed). */
export const resetConnection: Responder = (request) => {
  request.socket.destroy();
};

/** Promises a 100-byte JSON body, sends a few bytes, then closes the connection mid-stream. */
export const cutBodyMidStream: Responder = (_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
  response.write('{"items": [1, 2');
  setImmediate(() => response.socket?.destroy());
};

/** Never answers (the client must time out). */
export const neverAnswer: Responder = () => {};
