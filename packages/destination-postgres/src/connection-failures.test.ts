import { createServer, type Server, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { DestinationError, type LoadRecord } from '@restsync/core';
import { afterEach, describe, expect, it } from 'vitest';
import { isTransientConnectionError, operationFailed } from './destination-errors';
import { postgres } from './postgres-destination';

const password = 's3cret-pa55';

/** A TCP server that accepts connections and never sends a byte. */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('postgres: a server that accepts the connection and never answers', () => {
  // Regression: a silent server hung the CLI for 139 s until it was killed.
  it('should fail open() with a DestinationError naming host and port and the connect timeout, never the password', async () => {
    const server = await silentServer();
    cleanups.push(server.close);
    const destination = postgres({
      url: `postgres://loader:${password}@127.0.0.1:${server.port}/warehouse`,
      connectTimeoutMs: 300,
    });

    const failure = await destination.open({ pipeline: 'hung', dataset: 'hung' }).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(DestinationError.isInstance(failure)).toBe(true);
    const message = (failure as DestinationError).message;
    expect(message).toContain(`host 127.0.0.1, port ${server.port}`);
    expect(message).toContain('within 0.3 s (connectTimeoutMs)');
    expect(message).not.toContain(password);
    expect((failure as DestinationError).isRetryable).toBe(true);
  });
});

describe('operationFailed', () => {
  const context = {
    redact: (text: string) => text,
    description: 'postgres://root@db:5432/test',
    host: 'db',
    port: '5432',
  };

  // Regression: a Postgres restart (57P01 admin_shutdown) failed the run instead of retrying the batch.
  it('should make a connection the server shut down a retryable DestinationError', () => {
    const shutdown = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    const error = operationFailed(shutdown, context, 'write a batch');
    expect(error.isRetryable).toBe(true);
    expect(error.message).toMatch(
      /^Lost the connection to Postgres at postgres:\/\/root@db:5432\/test \(host db, port 5432\)/,
    );
  });

  it('should not retry a wrong password or a missing database', () => {
    expect(
      isTransientConnectionError(
        Object.assign(new Error('password authentication failed'), { code: '28P01' }),
      ),
    ).toBe(false);
    expect(
      isTransientConnectionError(Object.assign(new Error('database "x" does not exist'), { code: '3D000' })),
    ).toBe(false);
    expect(isTransientConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
  });
});

describe('startLoad', () => {
  // Regression: a load whose process crashed stayed `running` forever.
  it("should mark the pipeline's loads left running as abandoned, and no other pipeline's", {
    timeout: 240_000,
  }, async () => {
    const database = await PGlite.create();
    cleanups.push(() => database.close());
    const destination = postgres({ client: database });
    const load = (loadId: string, pipeline: string): LoadRecord => ({
      loadId,
      pipeline,
      dataset: 'loads',
      status: 'running',
      startedAt: new Date().toISOString(),
    });
    const crashed = await destination.open({ pipeline: 'orders', dataset: 'loads' });
    await crashed.startLoad(load('load_crashed', 'orders'));
    const other = await destination.open({ pipeline: 'users', dataset: 'loads' });
    await other.startLoad(load('load_other', 'users'));

    const rerun = await destination.open({ pipeline: 'orders', dataset: 'loads' });
    await rerun.startLoad(load('load_rerun', 'orders'));

    const rows = await database.query<{ load_id: string; status: string; error: string | null }>(
      'SELECT load_id, status, error FROM loads._restsync_loads ORDER BY load_id',
    );
    expect(rows.rows.map((row) => [row.load_id, row.status])).toEqual([
      ['load_crashed', 'abandoned'],
      ['load_other', 'running'],
      ['load_rerun', 'running'],
    ]);
    expect(rows.rows[0]?.error).toContain('load_rerun found it running');
  });
});
