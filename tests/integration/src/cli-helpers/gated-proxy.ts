import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP proxy that holds requests until the test releases them: a run that cannot end before an event. */
export interface GatedProxy {
  /** Base URL of the proxy (forwards to the same path on the target). */
  url: string;
  /** Forwards the held requests and every later one. */
  release(): void;
  close(): Promise<void>;
}

/** Forwards `incoming` to the same path on `target` and pipes the answer back into `outgoing`. */
export function forwardRequest(target: URL, incoming: IncomingMessage, outgoing: ServerResponse): void {
  const upstream = request(
    {
      host: target.hostname,
      port: target.port,
      method: incoming.method,
      path: incoming.url,
      headers: { ...incoming.headers, host: target.host },
    },
    (response) => {
      outgoing.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(outgoing);
    },
  );
  // The reference API may reset a connection on purpose: pass the reset on.
  upstream.on('error', () => outgoing.destroy());
  incoming.pipe(upstream);
}

/** Starts a proxy to `targetUrl` that forwards the first `passThrough` requests and holds the rest until `release()`. */
export async function startGatedProxy(targetUrl: string, passThrough: number): Promise<GatedProxy> {
  const target = new URL(targetUrl);
  const held: (() => void)[] = [];
  let received = 0;
  let released = false;
  const server = createServer((incoming, outgoing) => {
    const forward = () => forwardRequest(target, incoming, outgoing);
    received += 1;
    if (released || received <= passThrough) forward();
    else held.push(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    release() {
      released = true;
      for (const forward of held.splice(0)) forward();
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
