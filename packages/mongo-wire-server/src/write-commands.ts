import { type Document, ObjectId, serialize } from 'bson';
import {
  type CommandContext,
  CommandError,
  type CommandHandler,
  commandError,
  integerOption,
  targetCollection,
} from './command-context';
import { ensureCollection, isPlainObject, type StoredDocument, storeDocument } from './memory-store';
import { compileFilter } from './mingo-options';
import { createUniqueGuard, type UniqueGuard } from './unique-indexes';
import { applyUpdate, isOperatorObject, upsertSeed } from './update-documents';

function statements(context: CommandContext, field: string): Document[] {
  const value = context.command[field];
  if (!Array.isArray(value))
    throw commandError('failedToParse', `${context.name}: "${field}" must be an array`);
  return value as Document[];
}

/** A reply with `writeErrors` only when there are some, as MongoDB answers. */
function writeReply(fields: Document, writeErrors: Document[]): Document {
  return writeErrors.length > 0 ? { ...fields, writeErrors, ok: 1 } : { ...fields, ok: 1 };
}

function writeErrorOf(error: unknown, index: number): Document {
  if (error instanceof CommandError)
    return { index, code: error.code, codeName: error.codeName, errmsg: error.message };
  throw error;
}

export const insertCommand: CommandHandler = (context) => {
  const name = targetCollection(context);
  const documents = statements(context, 'documents');
  const ordered = context.command.ordered !== false;
  const { collection } = ensureCollection(context.store, context.database, name);
  const guard = createUniqueGuard(context.database, collection);
  const writeErrors: Document[] = [];
  let inserted = 0;
  for (const [index, document] of documents.entries()) {
    const stored = storeDocument(
      document._id === undefined ? { _id: new ObjectId(), ...document } : document,
    );
    const violation = guard.violation(stored);
    if (violation) {
      writeErrors.push({ index, ...violation });
      if (ordered) break;
      continue;
    }
    collection.documents.push(stored);
    guard.add(stored);
    inserted += 1;
  }
  return writeReply({ n: inserted }, writeErrors);
};

export const updateCommand: CommandHandler = (context) => {
  const name = targetCollection(context);
  const updates = statements(context, 'updates');
  const ordered = context.command.ordered !== false;
  const { collection } = ensureCollection(context.store, context.database, name);
  const guard = createUniqueGuard(context.database, collection);
  const writeErrors: Document[] = [];
  const upserted: Document[] = [];
  let matched = 0;
  let modified = 0;
  for (const [index, statement] of updates.entries()) {
    const filter = isPlainObject(statement.q) ? statement.q : {};
    const arrayFilters = Array.isArray(statement.arrayFilters)
      ? (statement.arrayFilters as Document[])
      : undefined;
    try {
      const targets = findTargets(collection.documents, filter, statement.multi === true, guard);
      if (targets.length === 0 && statement.upsert === true) {
        const created = storeDocument(
          applyUpdate(upsertSeed(filter, statement.u), statement.u, arrayFilters, true),
        );
        const violation = guard.violation(created);
        if (violation) {
          writeErrors.push({ index, ...violation });
          if (ordered) break;
          continue;
        }
        collection.documents.push(created);
        guard.add(created);
        upserted.push({ index, _id: created.raw._id });
        continue;
      }
      for (const target of targets) {
        const replacement = storeDocument(applyUpdate(target.raw, statement.u, arrayFilters, false));
        const violation = guard.violation(replacement, target);
        if (violation) {
          writeErrors.push({ index, ...violation });
          break;
        }
        matched += 1;
        if (sameContent(target, replacement)) continue;
        collection.documents[collection.documents.indexOf(target)] = replacement;
        guard.remove(target);
        guard.add(replacement);
        modified += 1;
      }
      if (ordered && writeErrors.length > 0) break;
    } catch (error) {
      writeErrors.push(writeErrorOf(error, index));
      if (ordered) break;
    }
  }
  const fields: Document = { n: matched + upserted.length, nModified: modified };
  if (upserted.length > 0) fields.upserted = upserted;
  return writeReply(fields, writeErrors);
};

export const deleteCommand: CommandHandler = (context) => {
  const name = targetCollection(context);
  const deletes = statements(context, 'deletes');
  const ordered = context.command.ordered !== false;
  const { collection } = ensureCollection(context.store, context.database, name);
  const writeErrors: Document[] = [];
  let deleted = 0;
  for (const [index, statement] of deletes.entries()) {
    try {
      const test = compileFilter(isPlainObject(statement.q) ? statement.q : {});
      const limit = integerOption(statement.limit) ?? 0;
      const targets = new Set(
        limit === 1 ? firstMatch(collection.documents, test) : collection.documents.filter(test),
      );
      if (targets.size === 0) continue;
      removeAll(collection.documents, targets);
      deleted += targets.size;
    } catch (error) {
      writeErrors.push(writeErrorOf(error, index));
      if (ordered) break;
    }
  }
  return writeReply({ n: deleted }, writeErrors);
};

/** Documents an update statement targets; `{ _id: value }` filters use the `_id_` index. */
function findTargets(
  documents: StoredDocument[],
  filter: Document,
  multi: boolean,
  guard: UniqueGuard,
): StoredDocument[] {
  const keys = Object.keys(filter);
  if (
    keys.length === 1 &&
    keys[0] === '_id' &&
    !isOperatorObject(filter._id) &&
    !(filter._id instanceof RegExp)
  ) {
    const found = guard.byId(filter._id);
    return found ? [found] : [];
  }
  const test = compileFilter(filter);
  return multi ? documents.filter(test) : firstMatch(documents, test);
}

function firstMatch(
  documents: StoredDocument[],
  test: (document: StoredDocument) => boolean,
): StoredDocument[] {
  const found = documents.find(test);
  return found ? [found] : [];
}

function sameContent(left: StoredDocument, right: StoredDocument): boolean {
  return Buffer.from(serialize(left.raw, { checkKeys: false })).equals(
    serialize(right.raw, { checkKeys: false }),
  );
}

/** Removes `targets` from `documents` in place. */
function removeAll(documents: StoredDocument[], targets: Set<StoredDocument>): void {
  let kept = 0;
  for (const document of documents) {
    if (!targets.has(document)) {
      documents[kept] = document;
      kept += 1;
    }
  }
  documents.length = kept;
}
