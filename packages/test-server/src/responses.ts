import type { ServerResponse } from 'node:http';

const statusText: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Sends a JSON text with an exact content-length. */
export function sendJsonText(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  response.end(body);
}

/** Sends `{ "error": { "status", "message" } }`. */
export function sendError(
  response: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({ error: { status, title: statusText[status] ?? 'Error', message } });
  sendJsonText(response, status, body, headers);
}

/** Destroys the connection with a TCP reset and sends nothing: the client sees ECONNRESET. */
export function resetConnection(response: ServerResponse): void {
  const socket = response.socket;
  if (!socket) return;
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

/**
 * Announces the full length of `body`, writes only its first half, then closes the connection:
 * the client receives the status and headers, and reading the body fails.
 */
export function sendTruncated(response: ServerResponse, body: string): void {
  response.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  response.write(body.slice(0, Math.floor(body.length / 2)), () => response.socket?.destroy());
}

/** A 200 whose body starts like a page and then is not JSON. */
export function sendMalformed(response: ServerResponse): void {
  sendJsonText(response, 200, '{"data":[{"id":1,"name":<html>Bad Gateway</html>');
}
