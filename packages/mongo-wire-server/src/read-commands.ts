import type { Document } from 'bson';
import { Aggregator, Query } from 'mingo';
import { type CommandHandler, commandError, integerOption, targetCollection } from './command-context';
import { findCollection, isPlainObject, type StoredDocument, toView } from './memory-store';
import { mingoOptions } from './mingo-options';

/** Stages that write or need a real server; refused by name rather than half-supported. */
const unsupportedStages = new Set([
  '$out',
  '$merge',
  '$changeStream',
  '$currentOp',
  '$collStats',
  '$indexStats',
]);

function documentsOf(context: Parameters<CommandHandler>[0], name: string): StoredDocument[] {
  return findCollection(context.store, context.database, name)?.documents ?? [];
}

/** Maps mingo's results (views) back to the raw documents they came from, when they did. */
function rawOf(documents: StoredDocument[]): (view: Document) => Document {
  const byView = new Map(documents.map((document) => [document.view, document.raw]));
  return (view) => byView.get(view) ?? view;
}

export const findCommand: CommandHandler = (context) => {
  const name = targetCollection(context);
  const { command } = context;
  const documents = documentsOf(context, name);
  let query: Query;
  try {
    query = new Query(toView(isPlainObject(command.filter) ? command.filter : {}), mingoOptions());
  } catch (error) {
    throw commandError('badValue', `invalid filter: ${(error as Error).message}`);
  }
  let cursor = query.find<Document>(documents.map((document) => document.view));
  if (isPlainObject(command.sort) && Object.keys(command.sort).length > 0) cursor = cursor.sort(command.sort);
  const skip = integerOption(command.skip) ?? 0;
  if (skip > 0) cursor = cursor.skip(skip);
  const limit = Math.abs(integerOption(command.limit) ?? 0);
  if (limit > 0) cursor = cursor.limit(limit);
  let results = cursor.all().map(rawOf(documents));
  if (isPlainObject(command.projection) && Object.keys(command.projection).length > 0) {
    results = new Query({}, mingoOptions()).find<Document>(results, command.projection).all();
  }
  const singleBatch = command.singleBatch === true || (integerOption(command.limit) ?? 0) < 0;
  return {
    cursor: context.cursors.open(
      `${context.database}.${name}`,
      results,
      integerOption(command.batchSize),
      singleBatch,
    ),
    ok: 1,
  };
};

export const getMoreCommand: CommandHandler = (context) => ({
  cursor: context.cursors.more(context.command.getMore, integerOption(context.command.batchSize)),
  ok: 1,
});

export const killCursorsCommand: CommandHandler = (context) => {
  const cursorIds = Array.isArray(context.command.cursors) ? (context.command.cursors as unknown[]) : [];
  const { killed, notFound } = context.cursors.kill(cursorIds);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
};

export const aggregateCommand: CommandHandler = (context) => {
  const name = targetCollection(context);
  const pipeline = context.command.pipeline;
  if (!Array.isArray(pipeline)) throw commandError('failedToParse', "aggregate: 'pipeline' must be an array");
  for (const stage of pipeline as Document[]) {
    const operator = Object.keys(stage)[0] ?? '';
    if (unsupportedStages.has(operator)) {
      throw commandError(
        'commandNotFound',
        `restsync wire test server: unsupported aggregation stage ${operator}`,
      );
    }
  }
  const documents = documentsOf(context, name);
  const resolve = (other: string) => documentsOf(context, other).map((document) => document.view);
  let results: Document[];
  try {
    const aggregator = new Aggregator(toView(pipeline as Document[]), mingoOptions(resolve));
    results = aggregator.run(documents.map((document) => document.view)).map(rawOf(documents));
  } catch (error) {
    throw commandError(
      'badValue',
      `aggregate on ${context.database}.${name} failed: ${(error as Error).message}`,
    );
  }
  const cursorOptions = isPlainObject(context.command.cursor) ? context.command.cursor : {};
  return {
    cursor: context.cursors.open(
      `${context.database}.${name}`,
      results,
      integerOption(cursorOptions.batchSize),
    ),
    ok: 1,
  };
};

export const countCommand: CommandHandler = (context) => {
  const name = targetCollection(context);
  const { command } = context;
  let cursor = new Query(toView(isPlainObject(command.query) ? command.query : {}), mingoOptions()).find(
    documentsOf(context, name).map((document) => document.view),
  );
  const skip = integerOption(command.skip) ?? 0;
  if (skip > 0) cursor = cursor.skip(skip);
  const limit = Math.abs(integerOption(command.limit) ?? 0);
  if (limit > 0) cursor = cursor.limit(limit);
  return { n: cursor.count(), ok: 1 };
};
