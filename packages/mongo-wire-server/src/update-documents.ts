import { type Document, ObjectId } from 'bson';
import { commandError } from './command-context';
import { canonicalValue, cloneDocument, isPlainObject, setAtPath } from './memory-store';
import { applyUpdateOperator } from './mingo-options';

/** Update operators mingo applies, plus `$setOnInsert`, which the server handles itself. */
const supportedOperators = new Set([
  '$set',
  '$setOnInsert',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$push',
  '$pull',
  '$pullAll',
  '$addToSet',
  '$pop',
  '$currentDate',
  '$bit',
]);

function isOperatorUpdate(updateDocument: Document): boolean {
  return Object.keys(updateDocument).some((key) => key.startsWith('$'));
}

/**
 * Applies an update (operators or a replacement document) to a copy of `raw`. `inserting` is
 * true for an upsert that creates the document: only then does `$setOnInsert` apply.
 */
export function applyUpdate(
  raw: Document,
  updateDocument: unknown,
  arrayFilters: Document[] | undefined,
  inserting: boolean,
): Document {
  if (Array.isArray(updateDocument)) {
    throw commandError(
      'commandNotFound',
      'restsync wire test server: unsupported update with an aggregation pipeline',
    );
  }
  if (!isPlainObject(updateDocument)) throw commandError('failedToParse', 'update must be a document');
  if (!isOperatorUpdate(updateDocument)) return replaceDocument(raw, updateDocument);
  const result = cloneDocument(raw);
  for (const [operator, specification] of Object.entries(updateDocument)) {
    if (!supportedOperators.has(operator))
      throw commandError('failedToParse', `Unknown modifier: ${operator}`);
    if (operator === '$setOnInsert') {
      if (inserting) applyUpdateOperator(result, { $set: specification }, arrayFilters);
      continue;
    }
    applyUpdateOperator(
      result,
      { [operator]: specification } as Parameters<typeof applyUpdateOperator>[1],
      arrayFilters,
    );
  }
  if (raw._id !== undefined && canonicalValue(result._id) !== canonicalValue(raw._id)) {
    throw commandError(
      'immutableField',
      "Performing an update on the path '_id' would modify the immutable field '_id'",
    );
  }
  return result;
}

function replaceDocument(raw: Document, replacement: Document): Document {
  const { _id, ...fields } = replacement;
  if (_id !== undefined && raw._id !== undefined && canonicalValue(_id) !== canonicalValue(raw._id)) {
    throw commandError(
      'immutableField',
      "After applying the update, the (immutable) field '_id' was found to have been altered",
    );
  }
  return { _id: raw._id ?? _id, ...fields };
}

/** The document an upsert starts from: the equality conditions of its filter, then an `_id`. */
export function upsertSeed(filter: Document, updateDocument: unknown): Document {
  const seed: Document = {};
  if (isPlainObject(updateDocument) && !isOperatorUpdate(updateDocument)) {
    if (filter._id !== undefined && !isOperatorObject(filter._id)) seed._id = filter._id;
  } else {
    collectEqualities(filter, seed);
  }
  if (seed._id === undefined && isPlainObject(updateDocument) && updateDocument._id !== undefined) {
    seed._id = updateDocument._id;
  }
  if (seed._id === undefined) seed._id = new ObjectId();
  return seed;
}

function collectEqualities(filter: Document, seed: Document): void {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const part of value) if (isPlainObject(part)) collectEqualities(part, seed);
      continue;
    }
    if (key.startsWith('$')) continue;
    if (isOperatorObject(value)) {
      if ('$eq' in value) setAtPath(seed, key, value.$eq);
      continue;
    }
    setAtPath(seed, key, value);
  }
}

/** `{ $gt: 1 }`-like: an object whose keys are query operators. */
export function isOperatorObject(value: unknown): value is Document {
  return isPlainObject(value) && Object.keys(value).some((key) => key.startsWith('$'));
}
