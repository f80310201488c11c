import { type Document, deserialize, EJSON, Long, serialize } from 'bson';

/**
 * A stored document in two shapes: `raw` exactly as written (int64 kept as `Long`), and `view`
 * with every `Long` turned into a number so mingo can match, sort and group it. Both are
 * immutable: a write replaces the whole `StoredDocument`, which keeps transaction snapshots cheap.
 */
export interface StoredDocument {
  readonly raw: Document;
  readonly view: Document;
}

export interface IndexSpec {
  readonly v: 2;
  readonly name: string;
  readonly key: Document;
  readonly unique?: boolean;
}

export interface StoredCollection {
  readonly name: string;
  readonly documents: StoredDocument[];
  readonly indexes: IndexSpec[];
}

/** Databases → collections. `databases` is replaced wholesale when a transaction aborts. */
export interface MemoryStore {
  databases: Map<string, Map<string, StoredCollection>>;
}

export const idIndex: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

export function createMemoryStore(): MemoryStore {
  return { databases: new Map() };
}

export function findCollection(
  store: MemoryStore,
  database: string,
  name: string,
): StoredCollection | undefined {
  return store.databases.get(database)?.get(name);
}

/** Returns the collections of a database, creating the database when absent. */
export function ensureDatabase(store: MemoryStore, database: string): Map<string, StoredCollection> {
  let collections = store.databases.get(database);
  if (!collections) {
    collections = new Map();
    store.databases.set(database, collections);
  }
  return collections;
}

/** Returns the collection, creating it (with its `_id_` index) when absent. */
export function ensureCollection(
  store: MemoryStore,
  database: string,
  name: string,
): { collection: StoredCollection; created: boolean } {
  const collections = ensureDatabase(store, database);
  const existing = collections.get(name);
  if (existing) return { collection: existing, created: false };
  const collection: StoredCollection = { name, documents: [], indexes: [idIndex] };
  collections.set(name, collection);
  return { collection, created: true };
}

/** A copy that shares the immutable documents but not the arrays and maps a write changes. */
export function snapshotStore(store: MemoryStore): Map<string, Map<string, StoredCollection>> {
  const databases = new Map<string, Map<string, StoredCollection>>();
  for (const [database, collections] of store.databases) {
    const copy = new Map<string, StoredCollection>();
    for (const [name, collection] of collections) {
      copy.set(name, { name, documents: [...collection.documents], indexes: [...collection.indexes] });
    }
    databases.set(database, copy);
  }
  return databases;
}

/**
 * Deeply converts `Long` values to numbers (the shape mingo works on). A `Long` beyond 2^53, which
 * no number holds exactly, becomes the text `Long(<digits>)`: equal only to the same int64, as in
 * MongoDB (it sorts as text, unlike in MongoDB).
 */
export function toView<T>(value: T): T {
  if (Long.isLong(value)) {
    const number = value.toNumber();
    return (Number.isSafeInteger(number) ? number : `Long(${value.toString()})`) as T;
  }
  if (Array.isArray(value)) return value.map((item) => toView(item)) as T;
  if (isPlainObject(value)) {
    const result: Document = {};
    for (const [key, item] of Object.entries(value)) result[key] = toView(item);
    return result as T;
  }
  return value;
}

export function isPlainObject(value: unknown): value is Document {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Stores a raw document, moving `_id` to the front as MongoDB does. */
export function storeDocument(raw: Document): StoredDocument {
  const { _id, ...rest } = raw;
  const ordered = _id === undefined ? raw : { _id, ...rest };
  return { raw: ordered, view: toView(ordered) };
}

/** A deep copy that keeps every BSON type. */
export function cloneDocument(document: Document): Document {
  return deserialize(serialize(document, { checkKeys: false }), { promoteLongs: false });
}

/**
 * A string equal for values MongoDB treats as equal in an index key: numbers compare by value
 * whatever their BSON type, objects by their fields in order.
 */
export function canonicalValue(value: unknown): string {
  return EJSON.stringify(toView({ value: value ?? null }), { relaxed: true });
}

/** The value at a dotted path, or undefined. */
export function valueAtPath(document: Document, path: string): unknown {
  let current: unknown = document;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Document)[segment];
  }
  return current;
}

/** Sets a value at a dotted path, creating intermediate objects. */
export function setAtPath(document: Document, path: string, value: unknown): void {
  const segments = path.split('.');
  let current = document;
  for (const segment of segments.slice(0, -1)) {
    if (!isPlainObject(current[segment])) current[segment] = {};
    current = current[segment] as Document;
  }
  current[segments[segments.length - 1] as string] = value;
}
