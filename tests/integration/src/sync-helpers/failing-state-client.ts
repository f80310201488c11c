import type { Collection, Db, MongoClient } from 'mongodb';

export interface FailingStateClientOptions {
  /** The `bulkWrite` on a `_restsync_state` collection (1-based) that throws instead of writing. */
  failOnStateWrite: number;
}

/** The message of the injected failure. */
export const injectedStateFailure = 'injected failure: the connection dropped before the state was written';

function forward<T extends object>(target: T, property: string | symbol): unknown {
  const value = Reflect.get(target, property, target);
  return typeof value === 'function' ? value.bind(target) : value;
}

/**
 * Wraps a client so one write to a `_restsync_state` collection fails: the batch before it is
 * acknowledged (or, in a transaction, rolled back with it) and its state is not stored.
 */
export function failingStateClient(client: MongoClient, options: FailingStateClientOptions): MongoClient {
  let stateWrites = 0;
  const wrapCollection = (collection: Collection) =>
    new Proxy(collection, {
      get(target, property) {
        if (property !== 'bulkWrite') return forward(target, property);
        return async (...parameters: Parameters<Collection['bulkWrite']>) => {
          stateWrites += 1;
          if (stateWrites === options.failOnStateWrite) throw new Error(injectedStateFailure);
          return target.bulkWrite(...parameters);
        };
      },
    });
  const wrapDb = (db: Db) =>
    new Proxy(db, {
      get(target, property) {
        if (property !== 'collection') return forward(target, property);
        return (name: string) =>
          name.endsWith('_restsync_state')
            ? wrapCollection(target.collection(name))
            : target.collection(name);
      },
    });
  return new Proxy(client, {
    get(target, property) {
      if (property === 'db') return (name?: string) => wrapDb(target.db(name));
      return forward(target, property);
    },
  });
}
