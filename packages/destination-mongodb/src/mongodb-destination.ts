import { ConfigError, createRedactor, type Destination, type DestinationCapabilities } from '@restsync/core';
import { type Document, MongoClient, type MongoClientOptions } from 'mongodb';
import { datasetLayout } from './collection-names';
import { type MongodbTimeouts, mongodbClientOptions } from './connection-options';
import { toDestinationError } from './destination-errors';
import type { DateMode } from './documents';
import { mongodbMergeStrategies } from './merge-writes';
import { createMongodbSession, type WriteMode } from './mongodb-session';

interface MongodbCommonOptions {
  /**
   * Write every dataset into this one database, prefixing each collection (system collections
   * included) with `<dataset>_`. Without it, the dataset is the database.
   * @default undefined (the dataset names the database)
   */
  database?: string;
  /**
   * How `timestamp` and `date` columns (ISO 8601 strings) are stored: `string` keeps the text
   * exactly as the API sent it; `date` stores a BSON date (millisecond precision, UTC; an
   * unparseable value stays a string).
   * @default 'string'
   */
  dates?: DateMode;
  /**
   * Documents per `insertMany` / `bulkWrite` call.
   * @default 1000
   */
  chunkSize?: number;
}

/** Options with a connection string; the timeouts apply to the client the destination builds. */
export interface MongodbUrlOptions extends MongodbCommonOptions, MongodbTimeouts {
  /** A MongoDB connection string, e.g. `mongodb://user:password@127.0.0.1:27017`. The password is never shown. */
  url: string;
  /**
   * Extra driver options for the client the destination builds (and closes after each run).
   * @default {}
   */
  clientOptions?: MongoClientOptions;
}

export interface MongodbClientOptions extends MongodbCommonOptions {
  /** A client you built. The destination connects it if needed and never closes it. */
  client: MongoClient;
}

export type MongodbDestinationOptions = MongodbUrlOptions | MongodbClientOptions;

/**
 * Static capabilities. `transactions` is false here because it can only be known once
 * connected: `open()` asks the server (`hello`) and uses a transaction per batch on a replica
 * set or sharded cluster, acknowledged batches otherwise; each load record's `mode` says which.
 */
const capabilities: DestinationCapabilities = {
  transactions: false,
  merge: true,
  mergeStrategies: mongodbMergeStrategies,
  nesting: 'documents',
  writeCounts: true,
};

const urlPassword = /^mongodb(?:\+srv)?:\/\/[^:/@]*:([^@/]*)@/i;
const urlCredentials = /^(mongodb(?:\+srv)?:\/\/[^:/@]*):[^@/]*@/i;
/** Query parameters holding a password, e.g. `tlsCertificateKeyFilePassword`. */
const passwordParameters = /([?&][^=&#]*password=)([^&#]*)/gi;

/**
 * A MongoDB destination on the official driver. Records keep their nesting; a table is a
 * collection; `_id` is the primary key (a composite key becomes `{ k1, k2 }`), so a merge is an
 * unordered `bulkWrite` of upserts keyed on `_id` and needs no server-generated id or extra
 * unique index. `replace` writes to a staging collection renamed over the target when the
 * resource completes. State is written after the data it describes is acknowledged, in the same
 * transaction when the server supports transactions.
 */
export function mongodb(options: MongodbDestinationOptions): Destination {
  const chunkSize = options.chunkSize ?? 1000;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new ConfigError([
      { path: 'chunkSize', message: `must be a positive integer, got ${String(chunkSize)}` },
    ]);
  }
  const dates = options.dates ?? 'string';
  if (dates !== 'string' && dates !== 'date') {
    throw new ConfigError([{ path: 'dates', message: `must be "string" or "date", got "${String(dates)}"` }]);
  }
  const redactor = createRedactor();
  let description: string;
  let clientOptions: MongoClientOptions = {};
  if ('url' in options) {
    if (typeof options.url !== 'string' || !/^mongodb(\+srv)?:\/\//i.test(options.url)) {
      throw new ConfigError([
        { path: 'url', message: 'must be a MongoDB connection string (mongodb:// or mongodb+srv://)' },
      ]);
    }
    clientOptions = mongodbClientOptions(options.url, options, options.clientOptions);
    const passwords = [
      urlPassword.exec(options.url)?.[1],
      ...[...options.url.matchAll(passwordParameters)].map((match) => match[2]),
    ];
    for (const password of passwords) {
      if (!password) continue;
      redactor.add(password);
      redactor.add(safeDecode(password));
    }
    description = redactor.redact(
      options.url.replace(urlCredentials, '$1:***@').replace(passwordParameters, '$1***'),
    );
  } else {
    description = 'MongoDB (client provided by the caller)';
  }
  if (options.database !== undefined) description += ` database "${options.database}"`;

  return {
    kind: 'destination',
    specificationVersion: 'v1',
    type: 'mongodb',
    capabilities,
    description,
    async open({ pipeline, dataset }) {
      const layout = datasetLayout(dataset, options.database);
      const ownsClient = 'url' in options;
      let client: MongoClient | undefined;
      let mode: WriteMode;
      try {
        client = 'url' in options ? new MongoClient(options.url, clientOptions) : options.client;
        await client.connect();
        const hello: Document = await client.db('admin').command({ hello: 1 });
        mode =
          hello.setName !== undefined || hello.msg === 'isdbgrid' ? 'transaction' : 'acknowledged-batches';
      } catch (error) {
        if (ownsClient) await client?.close().catch(() => undefined);
        throw toDestinationError(error, { action: `connecting to ${description}` }, redactor);
      }
      return createMongodbSession({
        client,
        ownsClient,
        layout,
        pipeline,
        dataset,
        mode,
        dates,
        chunkSize,
        redactor,
      });
    },
  };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
