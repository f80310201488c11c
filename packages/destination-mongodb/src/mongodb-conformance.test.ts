import { type MongoWireServer, startMongoWireServer } from '@restsync/mongo-wire-server';
import { testDestinationConformance } from '@restsync/testing/conformance';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { mongodb } from './mongodb-destination';

const externalUrl = process.env.MONGODB_URL;
let wire: MongoWireServer | undefined;
let url = '';
let client: MongoClient;

beforeAll(async () => {
  if (!externalUrl) wire = await startMongoWireServer();
  url = externalUrl ?? (wire as MongoWireServer).url;
  client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
});

afterAll(async () => {
  await client.close();
  await wire?.close();
});

testDestinationConformance({
  name: `mongodb (${externalUrl ? 'MongoDB server at MONGODB_URL' : 'restsync wire test server'})`,
  create: () => mongodb({ url }),
  readRows: (dataset, table) => client.db(dataset).collection(table).find().toArray(),
  dropDataset: async (dataset) => {
    await client.db(dataset).dropDatabase();
  },
});
