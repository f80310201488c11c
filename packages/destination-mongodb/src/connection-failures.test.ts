import { createServer, type Socket } from 'node:net';
import { DestinationError, type LoadRecord } from '@restsync/core';
import { startMongoWireServer } from '@restsync/mongo-wire-server';
import { type Document, MongoClient } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { mongodbClientOptions } from './connection-options';
import { mongodb } from './mongodb-destination';

const password = 's3cret-pa55';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A TCP server that accepts connections and never sends a byte. */
async function silentServer(): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as { port: number }).port;
}

describe('mongodbClientOptions', () => {
  // Regression: a MongoDB URL with no server behind it left the CLI silent for 47 s (now 5 s).
  it('should bound server selection and connecting to 5 s and a silent socket to 6 minutes by default', () => {
    expect(mongodbClientOptions('mongodb://127.0.0.1:27017', {})).toEqual({
      serverSelectionTimeoutMS: 5_000,
      connectTimeoutMS: 5_000,
      socketTimeoutMS: 360_000,
    });
  });

  it('should let a URL parameter stand over the default, an option over the URL, and clientOptions over all', () => {
    expect(
      mongodbClientOptions(
        'mongodb://127.0.0.1:27017/?serverselectiontimeoutms=2000&connectTimeoutMS=1000',
        { connectTimeoutMs: 500 },
        { socketTimeoutMS: 0 },
      ),
    ).toEqual({ connectTimeoutMS: 500, socketTimeoutMS: 0 });
  });
});

describe('mongodb: a server that accepts the connection and never answers', () => {
  // Regression: a silent database hung the CLI for minutes until it was killed.
  it('should fail open() with a DestinationError naming host and port and the timeout options, never the password', async () => {
    const port = await silentServer();
    const destination = mongodb({
      url: `mongodb://loader:${password}@127.0.0.1:${port}/?directConnection=true`,
      serverSelectionTimeoutMs: 500,
      connectTimeoutMs: 300,
    });

    const failure = await destination.open({ pipeline: 'hung', dataset: 'hung' }).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(DestinationError.isInstance(failure)).toBe(true);
    const message = (failure as Error).message;
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).toContain('serverSelectionTimeoutMs');
    expect(message).not.toContain(password);
  });
});

describe('startLoad', () => {
  // Regression: a load whose process crashed stayed `running` forever.
  it("should mark the pipeline's loads left running as abandoned, and no other pipeline's", async () => {
    const wire = await startMongoWireServer();
    const client = new MongoClient(wire.url, { serverSelectionTimeoutMS: 5_000 });
    cleanups.push(async () => {
      await client.close();
      await wire.close();
    });
    const destination = mongodb({ url: wire.url });
    const load = (loadId: string, pipeline: string): LoadRecord => ({
      loadId,
      pipeline,
      dataset: 'loads',
      status: 'running',
      startedAt: new Date().toISOString(),
    });
    for (const [loadId, pipeline] of [
      ['load_crashed', 'orders'],
      ['load_other', 'users'],
      ['load_rerun', 'orders'],
    ] as const) {
      const session = await destination.open({ pipeline, dataset: 'loads' });
      await session.startLoad(load(loadId, pipeline));
      await session.close();
    }

    const loads = await client
      .db('loads')
      .collection<Document>('_restsync_loads')
      .find()
      .sort({ _id: 1 })
      .toArray();
    expect(loads.map((document) => [document._id, document.status])).toEqual([
      ['load_crashed', 'abandoned'],
      ['load_other', 'running'],
      ['load_rerun', 'running'],
    ]);
    expect(loads[0]?.error).toContain('load_rerun found it running');
  });
});
