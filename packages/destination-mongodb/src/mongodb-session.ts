import {
  DestinationError,
  type DestinationSession,
  LeaseError,
  type LoadBatch,
  type LoadRecord,
  migrateResourceState,
  migrateSchema,
  type Redactor,
  type ResourceState,
  type Scd2Settings,
  type Schema,
  type TableBatch,
  type TableSchema,
  type TableWriteCounts,
  type WriteResult,
} from '@restsync/core';
import type { ClientSession, Db, Document, MongoClient } from 'mongodb';
import { type DatasetLayout, stagingCollection, stagingPrefix, systemCollections } from './collection-names';
import { type FailureContext, toDestinationError } from './destination-errors';
import { type DateMode, type IdentitySource, toDocument } from './documents';
import { escapeFieldName, renameKeysDeep, unescapeFieldName } from './field-names';
import { mongodbLeases } from './lease';
import { isFlagged, type MergePlan, planMerge, writeMerge } from './merge-writes';
import {
  retireUnseenDocuments,
  scd2Boundary,
  seenCollectionName,
  writeScd2Documents,
} from './scd2-documents';
import { insertDocuments, upsertDocuments } from './write-documents';

/** How batches are made durable, recorded on each load as `mode`. */
export type WriteMode = 'transaction' | 'acknowledged-batches';

export interface SessionContext {
  client: MongoClient;
  /** Close the client with the session (false for a client the user passed in). */
  ownsClient: boolean;
  layout: DatasetLayout;
  pipeline: string;
  dataset: string;
  mode: WriteMode;
  dates: DateMode;
  chunkSize: number;
  redactor: Redactor;
}

/** System documents use their own `_id` (a string or a number), never an ObjectId. */
type SystemDocument = { _id: string | number } & Document;

interface TablePlan {
  table: TableSchema;
  documents: Document[];
  /** The collection written now: the table's own, or its staging collection for `replace`. */
  collection: string;
  upsert: boolean;
  /** A `merge` table: what to delete first and what to write (see `planMerge`). */
  merge?: MergePlan;
}

/** Index on every data collection, so one load's documents can be found (and audited) quickly. */
const loadIdIndex = { key: { _restsync_load_id: 1 }, name: '_restsync_load_id' } as const;

export function createMongodbSession(context: SessionContext): DestinationSession {
  const { client, layout, pipeline, mode } = context;
  const db: Db = client.db(layout.database);
  const collectionName = (table: string) => `${layout.prefix}${table}`;
  const namespace = (collection: string) => `${layout.database}.${collection}`;
  const indexed = new Set<string>();
  /** scd2: the time of each load's changes (its first scd2 write), by load id. */
  const boundaries = new Map<string, Date>();
  let step: FailureContext = { action: 'opening the dataset' };
  const leasesCollection = collectionName(systemCollections.leases);
  const leases = mongodbLeases(db.collection(leasesCollection), { pipeline, dataset: context.dataset });
  const checkLease = async (session: ClientSession | undefined) => {
    step = { action: 'checking the lease', namespace: namespace(leasesCollection) };
    await leases.fence(session);
  };

  /** Runs `operation`, turning any failure into a `DestinationError` that names the last step. */
  const guarded = async <T>(first: FailureContext, operation: () => Promise<T>): Promise<T> => {
    step = first;
    try {
      return await operation();
    } catch (error) {
      // A write refused because another run took the lease over stays a LeaseError.
      if (LeaseError.isInstance(error)) throw error;
      throw toDestinationError(error, step, context.redactor);
    }
  };

  const ensureIndexes = async (collection: string) => {
    if (indexed.has(collection)) return;
    step = { action: 'creating the _restsync_load_id index', namespace: namespace(collection) };
    await db.collection(collection).createIndex(loadIdIndex.key, { name: loadIdIndex.name });
    indexed.add(collection);
  };

  const storeStates = async (states: Document[], session: ClientSession | undefined) => {
    if (states.length === 0) return;
    const collection = collectionName(systemCollections.state);
    step = { action: 'storing the resource state', namespace: namespace(collection) };
    await db.collection(collection).bulkWrite(
      states.map((document) => ({
        replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true },
      })),
      { ordered: true, session, ignoreUndefined: true },
    );
  };

  /** State documents are built before any write, so a state that cannot be stored fails early. */
  const stateDocuments = (states: ResourceState[]): Document[] =>
    states.map((state) => {
      step = {
        action: `preparing the state of resource "${state.resource}"`,
        namespace: namespace(collectionName(systemCollections.state)),
      };
      return stateDocument(pipeline, state);
    });

  const storeSchema = async (schema: Schema, loadId: string, session: ClientSession | undefined) => {
    const collection = collectionName(systemCollections.schemas);
    step = { action: `storing schema version ${schema.version}`, namespace: namespace(collection) };
    const document = { _id: schema.version, version: schema.version, schema, loadId, storedAt: now() };
    await db
      .collection<SystemDocument>(collection)
      .replaceOne({ _id: schema.version }, document, { upsert: true, session, ignoreUndefined: true });
  };

  const planTable = (tableBatch: TableBatch, loadId: string): TablePlan => {
    const { table } = tableBatch;
    const target = collectionName(table.name);
    const disposition = table.writeDisposition;
    const keyed = disposition !== 'append' && table.primaryKey.length > 0;
    const identity: IdentitySource = keyed ? 'primary-key' : 'restsync-id';
    const documents = tableBatch.rows.map((row) => toDocument(row, table, identity, context.dates));
    let merge: MergePlan | undefined;
    if (disposition === 'merge') {
      try {
        merge = planMerge(table, tableBatch.rows, documents, context.dates);
      } catch (error) {
        if (!DestinationError.isInstance(error)) throw error;
        throw new DestinationError(`MongoDB collection "${namespace(target)}": ${error.message}`, {
          table: table.name,
        });
      }
    }
    return {
      table,
      documents,
      collection: disposition === 'replace' ? stagingCollection(target, loadId) : target,
      upsert: keyed,
      ...(merge === undefined ? {} : { merge }),
    };
  };

  /** Writes the tables and states of a batch; returns the documents inserted and updated per table. */
  const writeBatch = async (
    batch: LoadBatch,
    plans: TablePlan[],
    states: Document[],
    session: ClientSession | undefined,
  ): Promise<WriteResult> => {
    const written: WriteResult = { tables: {} };
    if (batch.schema) await storeSchema(batch.schema, batch.loadId, session);
    for (const plan of plans) {
      let counts: TableWriteCounts;
      step = {
        action: `writing rows of table "${plan.table.name}"`,
        namespace: namespace(plan.collection),
        table: plan.table.name,
      };
      const target = {
        collection: db.collection(plan.collection),
        session,
        chunkSize: context.chunkSize,
        ignoreReplayedIds: mode === 'acknowledged-batches',
      };
      if (plan.merge?.scd2) {
        const { table, rows } = plan.merge.scd2;
        const scd2Target = {
          collection: target.collection,
          seen: db.collection(seenCollectionName(plan.collection)),
          session,
          dates: context.dates,
        };
        const boundary = scd2Boundary(table.scd2 as Scd2Settings, batch.loadId, boundaries);
        counts = await writeScd2Documents(
          scd2Target,
          table,
          rows,
          plan.documents,
          batch.loadId,
          boundary,
          (row) => isFlagged(table, row),
        );
      } else if (plan.merge) counts = await writeMerge(target, plan.merge, batch.loadId);
      else if (plan.upsert) {
        // `replace` by primary key: every document written counts as inserted.
        const upserted = await upsertDocuments(target, plan.documents);
        counts = { inserted: upserted.inserted + upserted.updated, updated: 0 };
      } else counts = { inserted: await insertDocuments(target, plan.documents), updated: 0 };
      if (plan.documents.length > 0 || plan.merge !== undefined) written.tables[plan.table.name] = counts;
    }
    await storeStates(states, session);
    return written;
  };

  const inTransaction = async <Result>(
    work: (session: ClientSession) => Promise<Result>,
  ): Promise<Result> => {
    const session = client.startSession();
    try {
      return await session.withTransaction(() => work(session));
    } finally {
      await session.endSession();
    }
  };

  const storeLoad = async (load: LoadRecord) => {
    const collection = collectionName(systemCollections.loads);
    await guarded({ action: `recording load ${load.loadId}`, namespace: namespace(collection) }, async () => {
      const document = {
        _id: load.loadId,
        ...load,
        ...(load.rows ? { rows: renameKeysDeep(load.rows, escapeFieldName) } : {}),
        mode,
      };
      await db
        .collection<SystemDocument>(collection)
        .replaceOne({ _id: load.loadId }, document, { upsert: true, ignoreUndefined: true });
    });
  };

  return {
    async acquireLease(request) {
      const attempt = await guarded(
        { action: 'acquiring the lease', namespace: namespace(leasesCollection) },
        () => leases.acquire(request),
      );
      if (!attempt.acquired) return attempt;
      const { lease } = attempt;
      return {
        acquired: true,
        lease: {
          version: lease.version,
          get expiresAt() {
            return lease.expiresAt;
          },
          renew: () =>
            guarded({ action: 'renewing the lease', namespace: namespace(leasesCollection) }, () =>
              lease.renew(),
            ),
          release: () => lease.release(),
        },
      };
    },

    async readSchema() {
      const collection = collectionName(systemCollections.schemas);
      return guarded({ action: 'reading the stored schema', namespace: namespace(collection) }, async () => {
        const stored = await db.collection(collection).findOne({}, { sort: { version: -1 } });
        return stored ? migrateSchema(stored.schema as Schema) : undefined;
      });
    },

    async readState(resource) {
      const collection = collectionName(systemCollections.state);
      return guarded(
        { action: `reading the state of "${resource}"`, namespace: namespace(collection) },
        async () => {
          const stored = await db
            .collection<SystemDocument>(collection)
            .findOne({ _id: stateId(pipeline, resource) });
          return stored ? fromStateDocument(stored, resource) : undefined;
        },
      );
    },

    async startLoad(load) {
      await guarded({ action: 'checking the lease' }, () => checkLease(undefined));
      await storeLoad(load);
      const collection = collectionName(systemCollections.loads);
      await guarded(
        { action: 'marking loads left running as abandoned', namespace: namespace(collection) },
        async () => {
          await db.collection<SystemDocument>(collection).updateMany(
            { pipeline, status: 'running', _id: { $ne: load.loadId } },
            {
              $set: {
                status: 'abandoned',
                finishedAt: load.startedAt,
                error: `abandoned: its process stopped before recording the end of the load; load ${load.loadId} found it running`,
              },
            },
          );
        },
      );
    },

    async write(batch) {
      return await guarded({ action: 'preparing a batch' }, async () => {
        const plans = groupTables(batch.tables).map((table) => planTable(table, batch.loadId));
        const states = stateDocuments(batch.states);
        for (const plan of plans) await ensureIndexes(plan.collection);
        if (mode === 'transaction') {
          return await inTransaction(async (session) => {
            await checkLease(session);
            return await writeBatch(batch, plans, states, session);
          });
        }
        // Without transactions the check comes just before the batch (a takeover can still slip in between).
        await checkLease(undefined);
        return await writeBatch(batch, plans, states, undefined);
      });
    },

    async completeResource(completion) {
      await guarded({ action: `completing resource "${completion.resource}"` }, async () => {
        await checkLease(undefined);
        // `keep`: one unit of a distributed run ended its part; the run swaps the load's staging in once.
        if (completion.writeDisposition === 'replace' && completion.staging !== 'keep') {
          for (const table of completion.tables) {
            const target = collectionName(table.name);
            const staging = stagingCollection(target, completion.loadId);
            await ensureIndexes(staging);
            step = {
              action: `swapping the staged rows of table "${table.name}" in (renameCollection)`,
              namespace: namespace(staging),
              table: table.name,
            };
            await db.renameCollection(staging, target, { dropTarget: true });
            indexed.delete(staging);
            await dropStaleStaging(db, target);
          }
        }
        for (const table of completion.tables) {
          if (table.writeDisposition !== 'merge' || table.mergeStrategy !== 'scd2' || !table.scd2) continue;
          const target = collectionName(table.name);
          step = {
            action: `retiring the versions this run did not see (scd2) in table "${table.name}"`,
            namespace: namespace(target),
            table: table.name,
          };
          const boundary = scd2Boundary(table.scd2, completion.loadId, boundaries);
          await retireUnseenDocuments(db, target, table, boundary, context.chunkSize);
        }
        await storeStates(stateDocuments([completion.state]), undefined);
      });
    },

    async finishLoad(load) {
      await storeLoad(load);
    },

    async readLoads(limit) {
      const collection = collectionName(systemCollections.loads);
      const documents = await guarded(
        { action: 'reading the recorded loads', namespace: namespace(collection) },
        () =>
          db
            .collection<SystemDocument>(collection)
            .find({ pipeline, dataset: context.dataset })
            .sort({ startedAt: -1, _id: -1 })
            .limit(limit)
            .toArray(),
      );
      return documents.map(({ _id, mode: _mode, ...load }) => load as unknown as LoadRecord);
    },

    async close() {
      if (context.ownsClient) await client.close();
    },
  };
}

/** Several entries for one table in a batch are written as one. */
function groupTables(tables: TableBatch[]): TableBatch[] {
  const byName = new Map<string, TableBatch>();
  for (const entry of tables) {
    const existing = byName.get(entry.table.name);
    if (existing)
      byName.set(entry.table.name, { table: entry.table, rows: [...existing.rows, ...entry.rows] });
    else byName.set(entry.table.name, entry);
  }
  return [...byName.values()];
}

/** Drops staging collections of earlier runs that never completed. */
async function dropStaleStaging(db: Db, target: string): Promise<void> {
  const prefix = stagingPrefix(target).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const stale = await db.listCollections({ name: { $regex: `^${prefix}` } }, { nameOnly: true }).toArray();
  for (const { name } of stale) await db.collection(name).drop();
}

function stateId(pipeline: string, resource: string): string {
  return `${pipeline}:${resource}`;
}

/**
 * The stored form of a resource's state: the whole document under `state` (field names escaped),
 * with `resource`, `status`, `checkpoint`, `loadId` and `updatedAt` repeated at the top level for
 * readers of the collection, as restsync 0.x stored them.
 */
function stateDocument(pipeline: string, state: ResourceState): Document {
  return {
    _id: stateId(pipeline, state.resource),
    pipeline,
    resource: state.resource,
    status: state.status,
    ...(state.checkpoint === undefined
      ? {}
      : { checkpoint: renameKeysDeep(state.checkpoint, escapeFieldName) }),
    loadId: state.loadId,
    updatedAt: state.updatedAt,
    state: renameKeysDeep(state, escapeFieldName),
  };
}

/** The state document stored; a document written by 0.x (no `state`) is migrated from its fields. */
function fromStateDocument(document: Document, resource: string): ResourceState {
  if (document.state !== undefined && document.state !== null) {
    return migrateResourceState(renameKeysDeep(document.state, unescapeFieldName), resource);
  }
  return migrateResourceState(
    {
      resource: document.resource,
      status: document.status,
      loadId: document.loadId,
      updatedAt: document.updatedAt,
      checkpoint:
        document.checkpoint === undefined || document.checkpoint === null
          ? undefined
          : renameKeysDeep(document.checkpoint, unescapeFieldName),
    },
    resource,
  );
}

function now(): string {
  return new Date().toISOString();
}
