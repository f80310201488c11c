import type { Destination, DestinationCapabilities } from '@restsync/core';
import { createClientProvider, type UserClient } from './client-provider';
import type { ConnectionTimeouts } from './connection-options';
import { connectionFailed, isConnectionError, operationFailed } from './destination-errors';
import { assertIdentifier, quoteIdentifier } from './identifier';
import { createSession } from './session';
import type { SessionContext } from './session-context';
import { createSystemTables, readStoredSchema } from './system-tables';

/** Options of `postgres()`; the timeouts apply to the connections it opens for `url`, not to a `client` you pass. */
export interface PostgresDestinationOptions extends ConnectionTimeouts {
  /**
   * Where to load:
   * - `postgres://user:password@host:5432/database` (or `postgresql://`): a Postgres server, through a `pg` pool;
   * - `pglite:<directory>` (or `pglite://<directory>`): embedded PGlite, persisted in that directory;
   * - `pglite:memory`: embedded PGlite in memory (kept for the life of the destination).
   * - left out (or empty): embedded PGlite on disk in `.restsync/pglite`, relative to the working directory.
   * @default PGlite on disk in `.restsync/pglite`
   */
  // `| undefined`: `postgres({ url: process.env.DATABASE_URL })` compiles under exactOptionalPropertyTypes.
  url?: string | undefined;
  /**
   * A client you built: a `pg` Pool or a PGlite instance. Takes precedence over `url`. The
   * destination borrows it and never closes it.
   */
  client?: UserClient;
}

const capabilities: DestinationCapabilities = {
  transactions: true,
  merge: true,
  mergeStrategies: ['upsert', 'delete-insert', 'scd2'],
  nesting: 'flatten',
  maxIdentifierLength: 63,
  writeCounts: true,
};

/** Errors Postgres raises when two sessions create the same schema or table at the same moment. */
const concurrentCreateCodes = new Set(['23505', '42P06', '42P07']);

/**
 * A Postgres destination: a dataset is a Postgres schema; rows load with COPY; `merge` upserts
 * through a staging table; `replace` swaps a staging table in atomically; every batch is written
 * with its state in one transaction.
 */
export function postgres(options: PostgresDestinationOptions = {}): Destination {
  const provider = createClientProvider(options);
  return {
    kind: 'destination',
    specificationVersion: 'v1',
    type: 'postgres',
    capabilities: provider.opensSlowly ? { ...capabilities, slowOpen: true } : capabilities,
    description: provider.description,
    async open({ pipeline, dataset }) {
      assertIdentifier(dataset, 'dataset');
      const errors = { ...provider.errors, dataset: quoteIdentifier(dataset) };
      let client: Awaited<ReturnType<typeof provider.acquire>>;
      try {
        client = await provider.acquire();
      } catch (error) {
        throw isConnectionError(error)
          ? connectionFailed(error, errors)
          : operationFailed(error, errors, 'connect');
      }
      try {
        try {
          await client.transaction((executor) => createSystemTables(executor, dataset));
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (typeof code !== 'string' || !concurrentCreateCodes.has(code)) throw error;
          await client.transaction((executor) => createSystemTables(executor, dataset));
        }
        const stored = await readStoredSchema(client, dataset);
        const context: SessionContext = {
          client,
          dataset,
          pipeline,
          errors,
          catalog: undefined,
          tables: new Map((stored?.tables ?? []).map((table) => [table.name, table])),
          staged: new Map(),
          statements: new Map(),
          keysStored: new Set(),
        };
        return createSession(context, () => provider.release());
      } catch (error) {
        await provider.release().catch(() => undefined);
        throw operationFailed(
          error,
          errors,
          `open dataset "${dataset}" (create the schema and system tables)`,
        );
      }
    },
  };
}
