import type { Document } from 'bson';
import { Context, createUpdater, Query } from 'mingo';
import type { Options } from 'mingo/core';
import * as accumulator from 'mingo/operators/accumulator';
import * as expression from 'mingo/operators/expression';
import * as pipeline from 'mingo/operators/pipeline';
import * as projection from 'mingo/operators/projection';
import * as query from 'mingo/operators/query';
import { commandError } from './command-context';
import { type StoredDocument, toView } from './memory-store';

/** A private operator context: nothing is registered globally. */
const context = Context.init({ accumulator, expression, pipeline, projection, query });

/** mingo options for the test server; `collections` resolves `$lookup` targets. */
export function mingoOptions(collections?: (name: string) => Document[]): Partial<Options> {
  return { context, useGlobalContext: false, ...(collections ? { collectionResolver: collections } : {}) };
}

/** A predicate for a query filter; a filter mingo rejects is a `BadValue` error. */
export function compileFilter(filter: unknown): (document: StoredDocument) => boolean {
  const criteria = toView((filter ?? {}) as Document);
  try {
    const compiled = new Query(criteria, mingoOptions());
    return (document) => compiled.test(document.view);
  } catch (error) {
    throw commandError('badValue', `invalid filter: ${(error as Error).message}`);
  }
}

/** Applies one update operator in place (`{ $set: {...} }`), with the private operator context. */
export const applyUpdateOperator = createUpdater({ queryOptions: mingoOptions() });
