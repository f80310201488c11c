import { createServer, type Socket } from 'node:net';
import type { OnTestFinishedHandler } from 'vitest';

/**
 * A database that accepts connections and never answers (a TCP server that reads and never
 * writes), closed after the test; counts the connections it got.
 */
export async function silentDatabase(
  onTestFinished: (handler: OnTestFinishedHandler) => void,
): Promise<{ port: number; connections: () => number }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as { port: number }).port, connections: () => connections };
}
