import { type Document, EJSON } from 'bson';
import { errorCodes } from './command-context';
import {
  canonicalValue,
  type IndexSpec,
  type StoredCollection,
  type StoredDocument,
  valueAtPath,
} from './memory-store';

/** The part of a write error a unique violation produces (the caller adds `index`). */
export interface DuplicateKeyError {
  code: number;
  errmsg: string;
  keyPattern: Document;
  keyValue: Document;
}

/** Tracks the keys of every unique index of one collection during a write command. */
export interface UniqueGuard {
  /** The violation `document` would cause, not counting `replacing` (the document it replaces). */
  violation(document: StoredDocument, replacing?: StoredDocument): DuplicateKeyError | undefined;
  add(document: StoredDocument): void;
  remove(document: StoredDocument): void;
  /** The document with this `_id`, found through the `_id_` index. */
  byId(id: unknown): StoredDocument | undefined;
}

export function createUniqueGuard(database: string, collection: StoredCollection): UniqueGuard {
  const unique = collection.indexes.filter((index) => index.name === '_id_' || index.unique === true);
  const keys = new Map<IndexSpec, Map<string, StoredDocument>>(unique.map((index) => [index, new Map()]));
  const idEntries = [...keys].find(([index]) => index.name === '_id_')?.[1];
  const guard: UniqueGuard = {
    byId(id) {
      return idEntries?.get(canonicalValue(id));
    },
    violation(document, replacing) {
      for (const [index, entries] of keys) {
        const holder = entries.get(indexKey(index, document));
        if (holder && holder !== replacing)
          return duplicateKeyError(database, collection.name, index, document);
      }
      return undefined;
    },
    add(document) {
      for (const [index, entries] of keys) entries.set(indexKey(index, document), document);
    },
    remove(document) {
      for (const [index, entries] of keys) {
        const key = indexKey(index, document);
        if (entries.get(key) === document) entries.delete(key);
      }
    },
  };
  for (const document of collection.documents) guard.add(document);
  return guard;
}

/** The first duplicate `index` would meet among `documents`, if any. */
export function findDuplicate(
  database: string,
  collectionName: string,
  index: IndexSpec,
  documents: StoredDocument[],
): DuplicateKeyError | undefined {
  const seen = new Set<string>();
  for (const document of documents) {
    const key = indexKey(index, document);
    if (seen.has(key)) return duplicateKeyError(database, collectionName, index, document);
    seen.add(key);
  }
  return undefined;
}

function indexKey(index: IndexSpec, document: StoredDocument): string {
  return Object.keys(index.key)
    .map((field) => canonicalValue(valueAtPath(document.raw, field)))
    .join('\u0000');
}

function duplicateKeyError(
  database: string,
  collectionName: string,
  index: IndexSpec,
  document: StoredDocument,
): DuplicateKeyError {
  const keyValue: Document = {};
  for (const field of Object.keys(index.key)) keyValue[field] = valueAtPath(document.raw, field) ?? null;
  const shown = Object.entries(keyValue)
    .map(([field, value]) => `${field}: ${EJSON.stringify(value, { relaxed: true })}`)
    .join(', ');
  return {
    code: errorCodes.duplicateKey.code,
    errmsg: `E11000 duplicate key error collection: ${database}.${collectionName} index: ${index.name} dup key: { ${shown} }`,
    keyPattern: { ...index.key },
    keyValue,
  };
}
