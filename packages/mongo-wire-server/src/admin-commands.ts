import type { Document } from 'bson';
import { Query } from 'mingo';
import { type CommandHandler, commandError, targetCollection } from './command-context';
import {
  ensureCollection,
  ensureDatabase,
  findCollection,
  type IndexSpec,
  idIndex,
  isPlainObject,
} from './memory-store';
import { mingoOptions } from './mingo-options';
import { findDuplicate } from './unique-indexes';

export const listCollectionsCommand: CommandHandler = (context) => {
  const collections = [...(context.store.databases.get(context.database)?.values() ?? [])];
  const entries = collections.map((collection) =>
    context.command.nameOnly === true
      ? { name: collection.name, type: 'collection' }
      : {
          name: collection.name,
          type: 'collection',
          options: {},
          info: { readOnly: false },
          idIndex,
        },
  );
  const filter = isPlainObject(context.command.filter) ? context.command.filter : {};
  const matching = new Query(filter, mingoOptions()).find<Document>(entries).all();
  const cursorOptions = isPlainObject(context.command.cursor) ? context.command.cursor : {};
  return {
    cursor: context.cursors.open(
      `${context.database}.$cmd.listCollections`,
      matching,
      typeof cursorOptions.batchSize === 'number' ? cursorOptions.batchSize : undefined,
    ),
    ok: 1,
  };
};

export const listIndexesCommand: CommandHandler = (context) => {
  const name = targetCollection(context);
  const collection = findCollection(context.store, context.database, name);
  if (!collection) throw commandError('namespaceNotFound', `ns does not exist: ${context.database}.${name}`);
  return {
    cursor: context.cursors.open(
      `${context.database}.${name}`,
      collection.indexes.map(toIndexDocument),
      undefined,
    ),
    ok: 1,
  };
};

function toIndexDocument(index: IndexSpec): Document {
  return index.unique ? { v: index.v, key: index.key, name: index.name, unique: true } : { ...index };
}

export const createIndexesCommand: CommandHandler = (context) => {
  const name = targetCollection(context);
  const specifications = context.command.indexes;
  if (!Array.isArray(specifications))
    throw commandError('failedToParse', "createIndexes: 'indexes' must be an array");
  const { collection, created } = ensureCollection(context.store, context.database, name);
  const before = collection.indexes.length;
  for (const specification of specifications as Document[]) {
    if (!isPlainObject(specification.key) || typeof specification.name !== 'string') {
      throw commandError('failedToParse', 'createIndexes: every index needs a "key" document and a "name"');
    }
    const index: IndexSpec = {
      v: 2,
      key: specification.key,
      name: specification.name,
      ...(specification.unique === true ? { unique: true } : {}),
    };
    const sameName = collection.indexes.find((existing) => existing.name === index.name);
    if (sameName) {
      if (JSON.stringify(sameName.key) !== JSON.stringify(index.key)) {
        throw commandError(
          'indexKeySpecsConflict',
          `An existing index has the same name as the requested index but a different key: ${index.name}`,
        );
      }
      continue;
    }
    const sameKey = collection.indexes.find(
      (existing) => JSON.stringify(existing.key) === JSON.stringify(index.key),
    );
    if (sameKey) {
      throw commandError(
        'indexOptionsConflict',
        `Index already exists with a different name: ${sameKey.name} (requested ${index.name})`,
      );
    }
    if (index.unique) {
      const duplicate = findDuplicate(context.database, name, index, collection.documents);
      if (duplicate) throw commandError('duplicateKey', duplicate.errmsg);
    }
    collection.indexes.push(index);
  }
  const after = collection.indexes.length;
  return {
    numIndexesBefore: before,
    numIndexesAfter: after,
    createdCollectionAutomatically: created,
    ...(before === after ? { note: 'all indexes already exist' } : {}),
    ok: 1,
  };
};

export const dropIndexesCommand: CommandHandler = (context) => {
  const name = targetCollection(context);
  const collection = findCollection(context.store, context.database, name);
  if (!collection) throw commandError('namespaceNotFound', `ns not found ${context.database}.${name}`);
  const requested = context.command.index;
  const before = collection.indexes.length;
  const names =
    requested === '*'
      ? collection.indexes.map((index) => index.name).filter((index) => index !== '_id_')
      : [];
  if (typeof requested === 'string' && requested !== '*') names.push(requested);
  if (Array.isArray(requested)) names.push(...requested.map(String));
  if (isPlainObject(requested)) {
    const byKey = collection.indexes.find((index) => JSON.stringify(index.key) === JSON.stringify(requested));
    if (byKey) names.push(byKey.name);
  }
  for (const indexName of names) {
    const position = collection.indexes.findIndex(
      (index) => index.name === indexName && index.name !== '_id_',
    );
    if (position === -1) throw commandError('indexNotFound', `index not found with name [${indexName}]`);
    collection.indexes.splice(position, 1);
  }
  return { nIndexesWas: before, ok: 1 };
};

export const createCommand: CommandHandler = (context) => {
  const name = targetCollection(context);
  if (findCollection(context.store, context.database, name)) {
    throw commandError('namespaceExists', `Collection ${context.database}.${name} already exists.`);
  }
  ensureCollection(context.store, context.database, name);
  return { ok: 1 };
};

export const dropCommand: CommandHandler = (context) => {
  const name = targetCollection(context);
  const collections = context.store.databases.get(context.database);
  const collection = collections?.get(name);
  if (!collection) return { ok: 1 };
  collections?.delete(name);
  return { nIndexesWas: collection.indexes.length, ns: `${context.database}.${name}`, ok: 1 };
};

export const dropDatabaseCommand: CommandHandler = (context) => {
  context.store.databases.delete(context.database);
  return { dropped: context.database, ok: 1 };
};

function splitNamespace(namespace: unknown, field: string): { database: string; name: string } {
  const text = typeof namespace === 'string' ? namespace : '';
  const dot = text.indexOf('.');
  if (dot <= 0 || dot === text.length - 1) {
    throw commandError('badValue', `renameCollection: invalid namespace in "${field}": ${text}`);
  }
  return { database: text.slice(0, dot), name: text.slice(dot + 1) };
}

export const renameCollectionCommand: CommandHandler = (context) => {
  if (context.database !== 'admin') {
    throw commandError('unauthorized', 'renameCollection may only be run against the admin database.');
  }
  const source = splitNamespace(context.command.renameCollection, 'renameCollection');
  const target = splitNamespace(context.command.to, 'to');
  const collection = findCollection(context.store, source.database, source.name);
  if (!collection) {
    throw commandError(
      'namespaceNotFound',
      `Source collection ${source.database}.${source.name} does not exist`,
    );
  }
  if (source.database === target.database && source.name === target.name) {
    throw commandError('illegalOperation', "Can't rename a collection to itself");
  }
  const targetCollections = ensureDatabase(context.store, target.database);
  if (targetCollections.has(target.name) && context.command.dropTarget !== true) {
    throw commandError('namespaceExists', `target namespace exists: ${target.database}.${target.name}`);
  }
  context.store.databases.get(source.database)?.delete(source.name);
  targetCollections.set(target.name, {
    name: target.name,
    documents: [...collection.documents],
    indexes: [...collection.indexes],
  });
  return { ok: 1 };
};
