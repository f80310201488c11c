import { Long, MongoClient, MongoServerError, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MongoWireServer, startMongoWireServer } from './mongo-wire-server';

describe('startMongoWireServer', () => {
  let server: MongoWireServer;
  let client: MongoClient;

  beforeAll(async () => {
    server = await startMongoWireServer();
    client = new MongoClient(server.url, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
  });

  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('should store documents from insertMany and give them an ObjectId _id', async () => {
    const collection = client
      .db('insert_many')
      .collection<{ name: string; nested: { a: number[] } }>('users');
    const result = await collection.insertMany([
      { name: 'ada', nested: { a: [1, 2] } },
      { name: 'grace', nested: { a: [] } },
    ]);
    expect(result.insertedCount).toBe(2);
    const stored = await collection.find({}, { sort: { name: 1 } }).toArray();
    expect(stored.map(({ name, nested }) => ({ name, nested }))).toEqual([
      { name: 'ada', nested: { a: [1, 2] } },
      { name: 'grace', nested: { a: [] } },
    ]);
    expect(stored[0]?._id.toHexString()).toMatch(/^[0-9a-f]{24}$/);
  });

  it('should count matched, modified and upserted documents of a bulkWrite of replaceOne upserts', async () => {
    const collection = client.db('bulk_write').collection<{ _id: number; value: string }>('items');
    await collection.insertMany([
      { _id: 1, value: 'one' },
      { _id: 2, value: 'two' },
    ]);
    // The replacement repeats its _id, as the destination writes it.
    const upsert = (_id: number, value: string) => ({
      replaceOne: { filter: { _id }, replacement: { _id, value } as { value: string }, upsert: true },
    });
    const result = await collection.bulkWrite([upsert(1, 'uno'), upsert(2, 'two'), upsert(3, 'tres')], {
      ordered: false,
    });
    expect(result.matchedCount).toBe(2);
    expect(result.modifiedCount).toBe(1);
    expect(result.upsertedCount).toBe(1);
    expect(result.upsertedIds).toEqual({ 2: 3 });
    expect(await collection.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, value: 'uno' },
      { _id: 2, value: 'two' },
      { _id: 3, value: 'tres' },
    ]);
  });

  it('should apply $set, $inc, $unset and $setOnInsert, honouring $setOnInsert only on insert', async () => {
    const collection = client.db('update_operators').collection('counters');
    const reference = new ObjectId();
    await collection.updateOne(
      { key: 'a' },
      { $set: { label: 'first' }, $inc: { hits: 1 }, $setOnInsert: { created: 'now' } },
      { upsert: true },
    );
    await collection.updateOne(
      { key: 'a' },
      { $inc: { hits: 2 }, $unset: { label: '' }, $setOnInsert: { created: 'later' }, $set: { reference } },
      { upsert: true },
    );
    const documents = await collection.find({}, { projection: { _id: 0 } }).toArray();
    expect(documents).toEqual([{ key: 'a', hits: 3, created: 'now', reference }]);
    expect(documents[0]?.reference).toBeInstanceOf(ObjectId);
  });

  it('should page a find cursor through getMore when batchSize is smaller than the result', async () => {
    const collection = client.db('cursor_batches').collection<{ _id: number }>('numbers');
    await collection.insertMany([7, 3, 5, 1, 6, 2, 4].map((value) => ({ _id: value })));
    const before = server.commands.filter((name) => name === 'getMore').length;
    const documents = await collection
      .find({ _id: { $gte: 1 } }, { batchSize: 2, sort: { _id: 1 } })
      .toArray();
    expect(documents.map((document) => document._id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(server.commands.filter((name) => name === 'getMore').length - before).toBe(3);
  });

  it('should reject a duplicate of a unique index with code 11000, continuing only unordered inserts', async () => {
    const collection = client.db('unique_index').collection<{ k: number }>('keyed');
    await collection.createIndex({ k: 1 }, { unique: true });
    await collection.insertOne({ k: 1 });
    const duplicate = await collection.insertOne({ k: 1 }).catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(MongoServerError);
    expect((duplicate as MongoServerError).code).toBe(11000);
    expect((duplicate as MongoServerError).message).toContain('E11000 duplicate key error');

    const unordered = await collection
      .insertMany([{ k: 2 }, { k: 1 }, { k: 3 }], { ordered: false })
      .catch((error: unknown) => error);
    expect((unordered as MongoServerError).code).toBe(11000);
    const ordered = await collection
      .insertMany([{ k: 4 }, { k: 1 }, { k: 5 }])
      .catch((error: unknown) => error);
    expect((ordered as MongoServerError).code).toBe(11000);
    const keys = (await collection.find({}, { sort: { k: 1 } }).toArray()).map((document) => document.k);
    expect(keys).toEqual([1, 2, 3, 4]);
  });

  it('should enforce a unique index on updates and upserts too', async () => {
    const collection = client.db('unique_updates').collection<{ _id: number; k: string }>('keyed');
    await collection.createIndex({ k: 1 }, { unique: true });
    await collection.insertMany([
      { _id: 1, k: 'a' },
      { _id: 2, k: 'b' },
    ]);
    await expect(collection.updateOne({ _id: 2 }, { $set: { k: 'a' } })).rejects.toMatchObject({
      code: 11000,
    });
    await expect(collection.replaceOne({ _id: 3 }, { k: 'b' }, { upsert: true })).rejects.toMatchObject({
      code: 11000,
    });
    expect(await collection.countDocuments()).toBe(2);
  });

  it('should rename a collection over an existing one with dropTarget', async () => {
    const database = client.db('rename_target');
    await database.collection('staging').insertMany([{ v: 'new' }, { v: 'newer' }]);
    await database.collection('live').insertOne({ v: 'old' });
    await expect(database.renameCollection('staging', 'live')).rejects.toMatchObject({ code: 48 });
    await database.renameCollection('staging', 'live', { dropTarget: true });
    const live = await database
      .collection('live')
      .find({}, { sort: { v: 1 } })
      .toArray();
    expect(live.map((document) => document.v)).toEqual(['new', 'newer']);
    const names = (await database.listCollections({}, { nameOnly: true }).toArray()).map(
      (entry) => entry.name,
    );
    expect(names).toEqual(['live']);
  });

  it('should count documents matching a filter', async () => {
    const collection = client.db('count_documents').collection<{ group: string }>('items');
    await collection.insertMany([{ group: 'a' }, { group: 'b' }, { group: 'a' }]);
    expect(await collection.countDocuments({ group: 'a' })).toBe(2);
    expect(await collection.countDocuments({ group: 'c' })).toBe(0);
    expect(await collection.estimatedDocumentCount()).toBe(3);
  });

  it('should delete every matching document with deleteMany and one with deleteOne', async () => {
    const collection = client.db('delete_many').collection<{ n: number }>('items');
    await collection.insertMany([1, 2, 3, 4, 5].map((n) => ({ n })));
    expect((await collection.deleteMany({ n: { $gt: 2 } })).deletedCount).toBe(3);
    expect((await collection.deleteOne({ n: { $gte: 1 } })).deletedCount).toBe(1);
    expect(await collection.countDocuments()).toBe(1);
  });

  it('should aggregate with $match, $group and $sort', async () => {
    const collection = client.db('aggregate').collection<{ group: string; value: number }>('items');
    await collection.insertMany([
      { group: 'a', value: 1 },
      { group: 'b', value: 5 },
      { group: 'a', value: 2 },
    ]);
    const totals = await collection
      .aggregate([
        { $match: { value: { $gte: 1 } } },
        { $group: { _id: '$group', total: { $sum: '$value' } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(totals).toEqual([
      { _id: 'a', total: 3 },
      { _id: 'b', total: 5 },
    ]);
  });

  it('should keep an int64 stored as Long an int64 when read back', async () => {
    const collection = client.db('long_values').collection('items');
    await collection.insertOne({ _id: 1 as never, big: Long.fromNumber(2 ** 40), small: 7 });
    const raw = await collection.findOne({ big: 2 ** 40 }, { promoteLongs: false });
    expect(Long.isLong(raw?.big)).toBe(true);
    expect(raw?.small).toBe(7);
  });

  // Regression: int64 values beyond 2^53 were compared as rounded numbers, so two _ids collided.
  it('should keep int64 _ids beyond 2^53 distinct and find each by its exact value', async () => {
    const collection = client.db('long_ids').collection('items');
    const ids = [9007199254740992n, 9007199254740993n].map((id) => Long.fromBigInt(id));
    await collection.insertMany(ids.map((id, index) => ({ _id: id as never, index })));
    await expect(collection.insertOne({ _id: ids[1] as never, index: 2 })).rejects.toThrow(/duplicate key/);
    const found = await collection.findOne({ _id: ids[1] as never }, { promoteLongs: false });
    expect(found).toEqual({ _id: ids[1], index: 1 });
    expect(await collection.countDocuments()).toBe(2);
  });

  it('should list and create indexes, and report an unknown collection for listIndexes', async () => {
    const collection = client.db('list_indexes').collection('items');
    await collection.createIndex({ a: 1 }, { name: 'by_a' });
    await collection.createIndex({ a: 1 }, { name: 'by_a' });
    const indexes = await collection.listIndexes().toArray();
    expect(indexes.map((index) => index.name)).toEqual(['_id_', 'by_a']);
    await expect(
      client.db('list_indexes').collection('missing').listIndexes().toArray(),
    ).rejects.toMatchObject({
      code: 26,
    });
  });

  it('should reject an unsupported command with its name', async () => {
    await expect(client.db('admin').command({ replSetGetStatus: 1 })).rejects.toThrow(
      /unsupported command replSetGetStatus/,
    );
  });
});

describe('startMongoWireServer with replicaSet', () => {
  let server: MongoWireServer;
  let client: MongoClient;

  beforeAll(async () => {
    server = await startMongoWireServer({ replicaSet: 'rs0' });
    client = new MongoClient(server.url, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
  });

  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('should report a replica set and keep the writes of a committed transaction', async () => {
    const hello = await client.db('admin').command({ hello: 1 });
    expect(hello.setName).toBe('rs0');
    const collection = client.db('transactions').collection('committed');
    await client.withSession((session) =>
      session.withTransaction(async () => {
        await collection.insertOne({ v: 1 }, { session });
        await collection.insertOne({ v: 2 }, { session });
      }),
    );
    expect(server.commands).toContain('commitTransaction');
    expect(await collection.countDocuments()).toBe(2);
  });

  it('should drop the writes of an aborted transaction', async () => {
    const collection = client.db('transactions').collection('aborted');
    await collection.insertOne({ v: 'before' });
    const session = client.startSession();
    try {
      session.startTransaction();
      await collection.insertOne({ v: 'inside' }, { session });
      await collection.deleteMany({ v: 'before' }, { session });
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    const values = (await collection.find().toArray()).map((document) => document.v);
    expect(values).toEqual(['before']);
  });
});
