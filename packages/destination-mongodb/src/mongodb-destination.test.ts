import { randomBytes } from 'node:crypto';
import {
  type ColumnType,
  type Destination,
  DestinationError,
  type DestinationSession,
  type LoadBatch,
  type ResourceState,
  type Row,
  type TableSchema,
  type WriteDisposition,
} from '@restsync/core';
import { type MongoWireServer, startMongoWireServer } from '@restsync/mongo-wire-server';
import { type Collection, type Db, Decimal128, type Document, Long, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mongodb } from './mongodb-destination';

const externalUrl = process.env.MONGODB_URL;
const target = externalUrl ? 'MongoDB server at MONGODB_URL' : 'restsync wire test server';
const pipelineName = 'test_pipeline';

function uniqueDataset(): string {
  return `restsync_test_${randomBytes(5).toString('hex')}`;
}

function tableSchema(
  name: string,
  writeDisposition: WriteDisposition,
  primaryKey: string[],
  columns: Record<string, ColumnType> = {},
): TableSchema {
  return {
    name,
    resource: name,
    columns: Object.entries(columns).map(([column, type]) => ({ name: column, type, nullable: true })),
    primaryKey,
    writeDisposition,
  };
}

function rowsOf(loadId: string, records: Record<string, unknown>[]): Row[] {
  return records.map((record, index) => ({
    ...record,
    _restsync_load_id: loadId,
    _restsync_id: `${loadId}-${index}`,
  }));
}

function stateOf(resource: string, loadId: string, checkpoint?: Record<string, unknown>): ResourceState {
  return {
    formatVersion: 1,
    resource,
    status: 'in_progress',
    loadId,
    updatedAt: '2024-05-01T00:00:00.000Z',
    ...(checkpoint ? { checkpoint } : {}),
  };
}

function batchOf(loadId: string, table: TableSchema, records: Record<string, unknown>[]): LoadBatch {
  return {
    loadId,
    tables: [{ table, rows: rowsOf(loadId, records) }],
    states: [stateOf(table.resource, loadId, { offset: records.length })],
  };
}

async function withSession<T>(
  destination: Destination,
  dataset: string,
  work: (session: DestinationSession) => Promise<T>,
): Promise<T> {
  const session = await destination.open({ pipeline: pipelineName, dataset });
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

/** A client whose writes to `_restsync_state` fail while `failures.remaining` > 0. */
function failingStateWrites(client: MongoClient, failures: { remaining: number }): MongoClient {
  const wrapCollection = (collection: Collection) =>
    new Proxy(collection, {
      get(target, property) {
        if (property === 'bulkWrite') {
          return async (...parameters: Parameters<Collection['bulkWrite']>) => {
            if (failures.remaining > 0) {
              failures.remaining -= 1;
              throw new Error('injected failure: the connection dropped before the state was written');
            }
            return target.bulkWrite(...parameters);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  const wrapDb = (db: Db) =>
    new Proxy(db, {
      get(target, property) {
        if (property === 'collection') {
          return (name: string) =>
            name.endsWith('_restsync_state')
              ? wrapCollection(target.collection(name))
              : target.collection(name);
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return new Proxy(client, {
    get(target, property) {
      if (property === 'db') return (name?: string) => wrapDb(target.db(name));
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe(`mongodb (${target})`, () => {
  let wire: MongoWireServer | undefined;
  let url: string;
  let client: MongoClient;
  const datasets: string[] = [];

  const dataset = () => {
    const name = uniqueDataset();
    datasets.push(name);
    return name;
  };
  const documentsOf = (database: string, collection: string) =>
    client
      .db(database)
      .collection(collection)
      .find({}, { sort: { _id: 1 } })
      .toArray();

  beforeAll(async () => {
    if (!externalUrl) wire = await startMongoWireServer();
    url = externalUrl ?? (wire as MongoWireServer).url;
    client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
  });

  afterAll(async () => {
    for (const name of datasets) await client.db(name).dropDatabase();
    await client.close();
    await wire?.close();
  });

  it('should record which write mode ran on the load record', async () => {
    const name = dataset();
    const destination = mongodb({ url });
    expect(destination.capabilities).toEqual({
      transactions: false,
      merge: true,
      mergeStrategies: ['upsert', 'delete-insert', 'scd2'],
      nesting: 'documents',
      writeCounts: true,
    });
    await withSession(destination, name, async (session) => {
      await session.startLoad({
        loadId: 'load-1',
        pipeline: pipelineName,
        dataset: name,
        status: 'running',
        startedAt: '2024-05-01T00:00:00.000Z',
      });
      await session.finishLoad({
        loadId: 'load-1',
        pipeline: pipelineName,
        dataset: name,
        status: 'succeeded',
        startedAt: '2024-05-01T00:00:00.000Z',
        finishedAt: '2024-05-01T00:01:00.000Z',
        rows: { users: 3 },
      });
    });
    const hello = await client.db('admin').command({ hello: 1 });
    const expected =
      hello.setName !== undefined || hello.msg === 'isdbgrid' ? 'transaction' : 'acknowledged-batches';
    const loads = await documentsOf(name, '_restsync_loads');
    expect(loads).toEqual([
      expect.objectContaining({ _id: 'load-1', status: 'succeeded', rows: { users: 3 }, mode: expected }),
    ]);
  });

  it('should leave exactly one document per key with the second run values after merging twice', async () => {
    const name = dataset();
    const destination = mongodb({ url });
    const table = tableSchema('items', 'merge', ['id'], { id: 'bigint', value: 'text' });
    const first = Array.from({ length: 25 }, (_, index) => ({ id: index + 1, value: `first-${index + 1}` }));
    const second = first.map((record) => ({ id: record.id, value: `second-${record.id}` }));
    await withSession(destination, name, (session) => session.write(batchOf('load-1', table, first)));
    await withSession(destination, name, (session) => session.write(batchOf('load-2', table, second)));
    const stored = await documentsOf(name, 'items');
    expect(stored).toHaveLength(25);
    expect(stored.map((document) => [document._id, document.value, document._restsync_load_id])).toEqual(
      second.map((record) => [record.id, record.value, 'load-2']),
    );
  });

  it('should key a composite primary key as an { k1, k2 } _id in key order', async () => {
    const name = dataset();
    const destination = mongodb({ url });
    const table = tableSchema('memberships', 'merge', ['org', 'user'], { org: 'text', user: 'bigint' });
    await withSession(destination, name, async (session) => {
      await session.write(
        batchOf('load-1', table, [
          { user: 1, org: 'a', role: 'member' },
          { user: 1, org: 'b', role: 'member' },
        ]),
      );
      await session.write(batchOf('load-1', table, [{ user: 1, org: 'a', role: 'owner' }]));
    });
    const stored = await documentsOf(name, 'memberships');
    expect(stored.map((document) => [Object.keys(document._id), document._id, document.role])).toEqual([
      [['org', 'user'], { org: 'a', user: 1 }, 'owner'],
      [['org', 'user'], { org: 'b', user: 1 }, 'member'],
    ]);
  });

  it('should keep the last of several records with the same key inside one batch', async () => {
    const name = dataset();
    const destination = mongodb({ url });
    const table = tableSchema('items', 'merge', ['id']);
    await withSession(destination, name, (session) =>
      session.write(
        batchOf('load-1', table, [
          { id: 1, value: 'a' },
          { id: 2, value: 'b' },
          { id: 1, value: 'c' },
          { id: 1, value: 'd' },
        ]),
      ),
    );
    const stored = await documentsOf(name, 'items');
    expect(stored.map((document) => [document._id, document.value])).toEqual([
      [1, 'd'],
      [2, 'b'],
    ]);
  });

  it('should escape field names starting with $ or containing a dot, nested and inside arrays', async () => {
    const name = dataset();
    const destination = mongodb({ url });
    const table = tableSchema('events', 'merge', ['id']);
    await withSession(destination, name, (session) =>
      session.write(
        batchOf('load-1', table, [
          {
            id: 1,
            $type: 'click',
            'page.url': '/home',
            price$: 3,
            payload: { $ref: 'x', 'a.b': { 'c.d': true }, list: [{ $in: [1] }] },
            _id: 'from-the-api',
          },
        ]),
      ),
    );
    const [stored] = await documentsOf(name, 'events');
    expect(stored).toMatchObject({
      _id: 1,
      '\uFF04type': 'click',
      'page\uFF0Eurl': '/home',
      price$: 3,
      payload: { '\uFF04ref': 'x', 'a\uFF0Eb': { 'c\uFF0Ed': true }, list: [{ '\uFF04in': [1] }] },
      '\uFF3Fid': 'from-the-api',
    });
  });

  it('should never expose an empty collection while a replace runs, and swap in the new rows at completion', async () => {
    const name = dataset();
    const destination = mongodb({ url });
    const table = tableSchema('catalog', 'replace', ['sku']);
    const complete = (session: DestinationSession, loadId: string) =>
      session.completeResource({
        loadId,
        resource: 'catalog',
        writeDisposition: 'replace',
        tables: [table],
        state: { ...stateOf('catalog', loadId), status: 'complete' },
      });
    await withSession(destination, name, async (session) => {
      await session.write(batchOf('load-1', table, [{ sku: 'a' }, { sku: 'b' }, { sku: 'c' }]));
      await complete(session, 'load-1');
    });
    await withSession(destination, name, async (session) => {
      await session.write(batchOf('load-2', table, [{ sku: 'x' }]));
      expect((await documentsOf(name, 'catalog')).map((document) => document._id)).toEqual(['a', 'b', 'c']);
      await session.write(batchOf('load-2', table, [{ sku: 'y' }]));
      expect((await documentsOf(name, 'catalog')).map((document) => document._id)).toEqual(['a', 'b', 'c']);
      await complete(session, 'load-2');
    });
    expect((await documentsOf(name, 'catalog')).map((document) => document._id)).toEqual(['x', 'y']);
    const collections = await client.db(name).listCollections({}, { nameOnly: true }).toArray();
    expect(
      collections.map((collection) => collection.name).filter((collection) => collection.includes('tmp')),
    ).toEqual([]);
    expect(await withSession(destination, name, (session) => session.readState('catalog'))).toMatchObject({
      status: 'complete',
      loadId: 'load-2',
    });
  });

  it('should empty a replaced collection when the run wrote no rows for it', async () => {
    const name = dataset();
    const destination = mongodb({ url });
    const table = tableSchema('catalog', 'replace', []);
    await withSession(destination, name, async (session) => {
      await session.write(batchOf('load-1', table, [{ sku: 'a' }, { sku: 'a' }]));
      await session.completeResource({
        loadId: 'load-1',
        resource: 'catalog',
        writeDisposition: 'replace',
        tables: [table],
        state: { ...stateOf('catalog', 'load-1'), status: 'complete' },
      });
    });
    expect(await documentsOf(name, 'catalog')).toHaveLength(2);
    await withSession(destination, name, (session) =>
      session.completeResource({
        loadId: 'load-2',
        resource: 'catalog',
        writeDisposition: 'replace',
        tables: [table],
        state: { ...stateOf('catalog', 'load-2'), status: 'complete' },
      }),
    );
    expect(await documentsOf(name, 'catalog')).toEqual([]);
  });

  it('should hold exactly one document per key after a failure between a batch and its state, then a rerun', async () => {
    const name = dataset();
    const table = tableSchema('items', 'merge', ['id']);
    const records = [1, 2, 3].map((id) => ({ id, value: `v${id}` }));
    const failures = { remaining: 1 };
    const failing = mongodb({ client: failingStateWrites(client, failures) });
    const error = await withSession(failing, name, (session) =>
      session.write(batchOf('load-1', table, records)),
    ).catch((caught: unknown) => caught);
    expect(DestinationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(`"${name}._restsync_state"`);
    expect((error as Error).message).toContain('injected failure');

    const destination = mongodb({ url });
    const before = await withSession(destination, name, (session) => session.readState('items'));
    expect(before).toBeUndefined();
    await withSession(destination, name, (session) => session.write(batchOf('load-2', table, records)));
    const stored = await documentsOf(name, 'items');
    expect(stored.map((document) => [document._id, document.value])).toEqual([
      [1, 'v1'],
      [2, 'v2'],
      [3, 'v3'],
    ]);
    expect(await withSession(destination, name, (session) => session.readState('items'))).toMatchObject({
      loadId: 'load-2',
      checkpoint: { offset: 3 },
    });
  });

  it('should not duplicate appended rows when a batch whose state was lost is written again', async () => {
    const name = dataset();
    const table = tableSchema('log', 'append', []);
    const batch = batchOf('load-1', table, [{ line: 'a' }, { line: 'b' }]);
    const failures = { remaining: 1 };
    await expect(
      withSession(mongodb({ client: failingStateWrites(client, failures) }), name, (session) =>
        session.write(batch),
      ),
    ).rejects.toThrow(/injected failure/);
    const destination = mongodb({ url });
    await withSession(destination, name, async (session) => {
      await session.write(batch);
      await session.write(batchOf('load-2', table, [{ line: 'a' }]));
    });
    const stored = await documentsOf(name, 'log');
    expect(stored.map((document) => document.line)).toEqual(['a', 'b', 'a']);
    expect(stored.map((document) => document._id)).toEqual(['load-1-0', 'load-1-1', 'load-2-0']);
  });

  it('should store int32, int64 (as Long), doubles, booleans, nulls, nested values and timestamps as strings', async () => {
    const name = dataset();
    const destination = mongodb({ url });
    const table = tableSchema('typed', 'merge', ['id'], { id: 'bigint', at: 'timestamp' });
    const record = {
      id: 1,
      small: 2_147_483_647,
      large: 2 ** 40 + 1,
      negative: -(2 ** 35),
      ratio: 0.25,
      flag: false,
      nothing: null,
      nested: { list: [1, [2, 3], { deep: 'x' }], empty: {} },
      at: '2024-05-01T12:34:56.789Z',
    };
    await withSession(destination, name, (session) => session.write(batchOf('load-1', table, [record])));
    const raw = await client
      .db(name)
      .collection('typed')
      .findOne({ _id: 1 as never }, { promoteLongs: false });
    expect(raw?.small).toBe(2_147_483_647);
    expect(Long.isLong(raw?.large)).toBe(true);
    expect(String(raw?.large)).toBe(String(2 ** 40 + 1));
    expect(String(raw?.negative)).toBe(String(-(2 ** 35)));
    const promoted = await client
      .db(name)
      .collection('typed')
      .findOne({ _id: 1 as never });
    expect(promoted).toMatchObject(record);
  });

  it('should store timestamp columns as BSON dates when dates is "date"', async () => {
    const name = dataset();
    const destination = mongodb({ url, dates: 'date' });
    const table = tableSchema('typed', 'merge', ['id'], { id: 'bigint', at: 'timestamp', text: 'text' });
    await withSession(destination, name, (session) =>
      session.write(
        batchOf('load-1', table, [
          { id: 1, at: '2024-05-01T12:34:56.789Z', text: '2024-05-01T12:34:56.789Z' },
          { id: 2, at: 'not a date' },
        ]),
      ),
    );
    const stored = await documentsOf(name, 'typed');
    expect(stored[0]?.at).toEqual(new Date('2024-05-01T12:34:56.789Z'));
    expect(stored[0]?.text).toBe('2024-05-01T12:34:56.789Z');
    expect(stored[1]?.at).toBe('not a date');
  });

  it('should return the highest stored schema version and round-trip state checkpoints', async () => {
    const name = dataset();
    const destination = mongodb({ url });
    const table = tableSchema('items', 'merge', ['id'], { id: 'bigint' });
    const wider = tableSchema('items', 'merge', ['id'], { id: 'bigint', name: 'text' });
    await withSession(destination, name, async (session) => {
      expect(await session.readSchema()).toBeUndefined();
      await session.write({
        ...batchOf('load-1', table, [{ id: 1 }]),
        schema: { version: 1, tables: [table] },
      });
      await session.write({
        loadId: 'load-1',
        schema: { version: 2, tables: [wider] },
        tables: [{ table: wider, rows: rowsOf('load-1', [{ id: 2, name: 'b' }]) }],
        states: [stateOf('items', 'load-1', { cursor: 'abc', $weird: { 'dotted.key': 1 }, pages: [1, 2] })],
      });
    });
    await withSession(destination, name, async (session) => {
      expect(await session.readSchema()).toEqual({ version: 2, tables: [wider] });
      expect(await session.readState('items')).toEqual(
        stateOf('items', 'load-1', { cursor: 'abc', $weird: { 'dotted.key': 1 }, pages: [1, 2] }),
      );
      expect(await session.readState('other')).toBeUndefined();
    });
  });

  it('should read the state and schema a 0.x dataset stored, and store documents from then on', async () => {
    const name = dataset();
    const destination = mongodb({ url });
    // The system documents as restsync 0.x wrote them: state fields at the top level, legacy type names.
    await client
      .db(name)
      .collection<{ _id: string } & Document>('_restsync_state')
      .insertOne({
        _id: `${pipelineName}:items`,
        pipeline: pipelineName,
        resource: 'items',
        status: 'in_progress',
        checkpoint: { offset: 300, 'page\uFF0Etoken': 'x' },
        loadId: 'load-0',
        updatedAt: '2024-01-02T03:04:05.000Z',
      });
    const legacyColumns = [
      { name: 'id', type: 'bigint', nullable: false },
      { name: 'seen', type: 'timestamptz', nullable: true },
      { name: 'payload', type: 'jsonb', nullable: true },
      { name: 'flag', type: 'boolean', nullable: true },
    ];
    await client
      .db(name)
      .collection<{ _id: number } & Document>('_restsync_schemas')
      .insertOne({
        _id: 4,
        version: 4,
        schema: {
          version: 4,
          tables: [
            {
              name: 'items',
              resource: 'items',
              columns: legacyColumns,
              primaryKey: ['id'],
              writeDisposition: 'merge',
            },
          ],
        },
      });
    const next = {
      ...stateOf('items', 'load-1', { offset: 400 }),
      lease: { owner: 'worker-1', version: 2 },
    };
    await withSession(destination, name, async (session) => {
      expect(await session.readState('items')).toEqual({
        formatVersion: 1,
        resource: 'items',
        status: 'in_progress',
        checkpoint: { offset: 300, 'page.token': 'x' },
        loadId: 'load-0',
        updatedAt: '2024-01-02T03:04:05.000Z',
      });
      const schema = await session.readSchema();
      expect(schema?.tables[0]?.columns.map((column) => column.type)).toEqual([
        'bigint',
        'timestamp',
        'json',
        'bool',
      ]);
      await session.write({ loadId: 'load-1', tables: [], states: [next] });
    });
    expect(await withSession(destination, name, (session) => session.readState('items'))).toEqual(next);
    // The top-level fields still tell readers of the collection where each resource stands.
    const [stored] = await documentsOf(name, '_restsync_state');
    expect(stored).toMatchObject({ status: 'in_progress', checkpoint: { offset: 400 }, loadId: 'load-1' });
  });

  it('should store decimal columns as Decimal128 and date columns as BSON dates when dates is "date"', async () => {
    const name = dataset();
    const destination = mongodb({ url, dates: 'date' });
    const table = tableSchema('priced', 'merge', ['id'], { id: 'bigint', price: 'decimal', day: 'date' });
    await withSession(destination, name, (session) =>
      session.write(batchOf('load-1', table, [{ id: 1, price: '12.50', day: '2024-05-01' }])),
    );
    const [stored] = await documentsOf(name, 'priced');
    expect(stored?.price).toBeInstanceOf(Decimal128);
    expect(String(stored?.price)).toBe('12.50');
    expect(stored?.day).toEqual(new Date('2024-05-01T00:00:00.000Z'));
  });

  it('should prefix collections with <dataset>_ when a database is set', async () => {
    const database = dataset();
    const destination = mongodb({ url, database });
    const table = tableSchema('items', 'merge', ['id']);
    await withSession(destination, 'github', (session) =>
      session.write(batchOf('load-1', table, [{ id: 1 }])),
    );
    const names = (await client.db(database).listCollections({}, { nameOnly: true }).toArray())
      .map((collection) => collection.name)
      .sort();
    expect(names).toEqual(['github__restsync_state', 'github_items']);
  });

  it('should refuse merge rows without their primary key, naming the table', async () => {
    const name = dataset();
    const destination = mongodb({ url });
    const table = tableSchema('items', 'merge', ['id']);
    await expect(
      withSession(destination, name, (session) => session.write(batchOf('load-1', table, [{ value: 1 }]))),
    ).rejects.toThrow(/table "items".*primary key "id"/);
  });

  it('should hide passwords held in connection string parameters from the description', () => {
    const destination = mongodb({
      url: 'mongodb://127.0.0.1:27017/?tls=true&tlsCertificateKeyFilePassword=k3y-pa55&appName=etl',
    });
    expect(destination.description).toBe(
      'mongodb://127.0.0.1:27017/?tls=true&tlsCertificateKeyFilePassword=***&appName=etl',
    );
  });

  it('should report a rejected write as a DestinationError naming the collection and the table', async () => {
    const name = dataset();
    await client.db(name).collection('users').createIndex({ email: 1 }, { unique: true });
    const table = tableSchema('users', 'merge', ['id']);
    const error = await withSession(mongodb({ url }), name, (session) =>
      session.write(
        batchOf('load-1', table, [
          { id: 1, email: 'same@example.test' },
          { id: 2, email: 'same@example.test' },
        ]),
      ),
    ).catch((caught: unknown) => caught);
    expect(DestinationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ table: 'users' });
    expect((error as Error).message).toContain(`writing rows of table "users" on collection "${name}.users"`);
    expect((error as Error).message).toContain('E11000');
  });

  it('should fail to connect with a DestinationError that never shows the password', async () => {
    const destination = mongodb({
      url: 'mongodb://loader:s3cret-pa55@127.0.0.1:1/?serverSelectionTimeoutMS=200&connectTimeoutMS=200',
    });
    expect(destination.description).toBe(
      'mongodb://loader:***@127.0.0.1:1/?serverSelectionTimeoutMS=200&connectTimeoutMS=200',
    );
    const error = await destination
      .open({ pipeline: pipelineName, dataset: 'anything' })
      .catch((caught) => caught);
    expect(DestinationError.isInstance(error)).toBe(true);
    expect((error as DestinationError).isRetryable).toBe(true);
    expect((error as Error).message).toContain('mongodb://loader:***@127.0.0.1:1');
    expect((error as Error).message).not.toContain('s3cret-pa55');
  });
});

describe('mongodb (restsync wire test server posing as a replica set)', () => {
  let wire: MongoWireServer;
  let client: MongoClient;

  beforeAll(async () => {
    wire = await startMongoWireServer({ replicaSet: 'rs0' });
    client = new MongoClient(wire.url, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
  });

  afterAll(async () => {
    await client.close();
    await wire.close();
  });

  it('should write data and state in one transaction and record the transaction mode', async () => {
    const destination = mongodb({ url: wire.url });
    const table = tableSchema('items', 'merge', ['id']);
    await withSession(destination, 'transactional', async (session) => {
      await session.startLoad({
        loadId: 'load-1',
        pipeline: pipelineName,
        dataset: 'transactional',
        status: 'running',
        startedAt: '2024-05-01T00:00:00.000Z',
      });
      await session.write(batchOf('load-1', table, [{ id: 1 }, { id: 2 }]));
    });
    expect(wire.commands).toContain('commitTransaction');
    const load = await client.db('transactional').collection<Document>('_restsync_loads').findOne({});
    expect(load?.mode).toBe('transaction');
    expect(await client.db('transactional').collection('items').countDocuments()).toBe(2);
  });

  it('should leave neither data nor state behind when the state write fails inside the transaction', async () => {
    const table = tableSchema('items', 'merge', ['id']);
    const failing = mongodb({ client: failingStateWrites(client, { remaining: 1 }) });
    await expect(
      withSession(failing, 'rolled_back', (session) => session.write(batchOf('load-1', table, [{ id: 1 }]))),
    ).rejects.toThrow(/_restsync_state.*injected failure/);
    expect(wire.commands).toContain('abortTransaction');
    expect(await client.db('rolled_back').collection('items').countDocuments()).toBe(0);
    expect(await client.db('rolled_back').collection('_restsync_state').countDocuments()).toBe(0);
  });
});
