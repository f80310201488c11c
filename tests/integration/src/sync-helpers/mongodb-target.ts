import { randomBytes } from 'node:crypto';
import { type MongoWireServer, startMongoWireServer } from '@restsync/mongo-wire-server';
import { MongoClient } from 'mongodb';

/** The MongoDB the tests load into: the server at `MONGODB_URL`, else the wire-protocol test server. */
export interface MongodbTarget {
  /** Which one runs, for the describe title. */
  readonly label: string;
  readonly url: string;
  /** A connected client, for reading back. */
  readonly client: MongoClient;
  /** A new, unique dataset (database) name; dropped by `close()`. */
  dataset(prefix: string): string;
  /** Drops the datasets, closes the client and stops the test server. */
  close(): Promise<void>;
}

export async function openMongodbTarget(): Promise<MongodbTarget> {
  const external = process.env.MONGODB_URL;
  const wire: MongoWireServer | undefined = external ? undefined : await startMongoWireServer();
  const url = external ?? (wire as MongoWireServer).url;
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  const datasets: string[] = [];
  return {
    label: external ? 'MongoDB server at MONGODB_URL' : 'restsync MongoDB wire test server',
    url,
    client,
    dataset(prefix) {
      const name = `${prefix}_${randomBytes(4).toString('hex')}`;
      datasets.push(name);
      return name;
    },
    async close() {
      for (const name of datasets) await client.db(name).dropDatabase();
      await client.close();
      await wire?.close();
    },
  };
}
