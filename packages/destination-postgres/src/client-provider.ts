import { resolve } from 'node:path';
import type { PGliteInterface } from '@electric-sql/pglite';
import { createRedactor, DestinationError } from '@restsync/core';
import type pg from 'pg';
import {
  type ConnectionTimeouts,
  poolConfig,
  type ResolvedTimeouts,
  resolveTimeouts,
} from './connection-options';
import { type ConnectionTarget, parseConnectionUrl, redactConnectionUrl } from './connection-target';
import { describeCause, type ErrorContext, fieldOf } from './destination-errors';
import { createPgliteClient } from './pglite-client';
import { openPgliteWorker } from './pglite-worker-client';
import type { SqlClient } from './sql-client';

/** Hands out one shared SqlClient to every open session and releases it with the last one. */
export interface ClientProvider {
  /** Where it writes, password redacted. */
  readonly description: string;
  readonly errors: ErrorContext;
  /** Acquiring starts a database (embedded PGlite in its worker): most of a second. */
  readonly opensSlowly: boolean;
  acquire(): Promise<SqlClient>;
  release(): Promise<void>;
}

/** A client the user built: a `pg` Pool or a PGlite instance. */
export type UserClient = pg.Pool | PGliteInterface;

function isPglite(client: UserClient): client is PGliteInterface {
  return typeof (client as PGliteInterface).exec === 'function' && 'waitReady' in client;
}

function errorContext(
  description: string,
  secrets: string[],
  host?: string,
  port?: string,
  timeouts?: ResolvedTimeouts,
): ErrorContext {
  const redactor = createRedactor(secrets);
  return {
    redact: (text) => redactor.redact(redactConnectionUrl(text)),
    description,
    ...(host === undefined ? {} : { host, port }),
    ...(timeouts === undefined ? {} : { timeouts }),
  };
}

/** Reference counting: the first `acquire` opens, the last `release` closes. */
function sharedClient(open: () => Promise<SqlClient>, keepOpen: boolean) {
  let client: Promise<SqlClient> | undefined;
  let users = 0;
  return {
    async acquire() {
      users += 1;
      client ??= open();
      try {
        return await client;
      } catch (error) {
        users -= 1;
        client = undefined;
        throw error;
      }
    },
    async release() {
      users -= 1;
      if (users > 0 || keepOpen || !client) return;
      const closing = client;
      client = undefined;
      await (await closing).close();
    },
  };
}

function userClientProvider(client: UserClient): ClientProvider {
  if (isPglite(client)) {
    const directory = (client as { dataDir?: string }).dataDir;
    const description = `pglite:${!directory || directory.startsWith('memory://') ? 'memory' : directory}`;
    const sqlClient = createPgliteClient(client, { ownsDatabase: false });
    return {
      description,
      errors: errorContext(description, []),
      opensSlowly: false,
      acquire: async () => sqlClient,
      release: async () => undefined,
    };
  }
  const options = client.options;
  const target = options.connectionString ? parseConnectionUrl(options.connectionString) : undefined;
  const server = target?.kind === 'server' ? target : undefined;
  const host = server?.host ?? options.host ?? 'localhost';
  const port = server?.port ?? String(options.port ?? 5432);
  const user = options.user ? `${options.user}@` : '';
  const description = server?.description ?? `postgres://${user}${host}:${port}/${options.database ?? ''}`;
  const secrets = [
    ...(server?.secrets ?? []),
    ...(typeof options.password === 'string' ? [options.password] : []),
  ];
  // `pg-copy-streams` loads on first use, like `pg` itself, so a PGlite run never loads either.
  let sqlClient: Promise<SqlClient> | undefined;
  return {
    description,
    errors: errorContext(description, secrets, host, port),
    opensSlowly: false,
    acquire: () => {
      sqlClient ??= import('./pg-client').then(({ createPgClient }) =>
        createPgClient(client, { ownsPool: false }),
      );
      return sqlClient;
    },
    release: async () => undefined,
  };
}

function serverProvider(
  target: Extract<ConnectionTarget, { kind: 'server' }>,
  timeoutOptions: ConnectionTimeouts,
): ClientProvider {
  const { timeouts, url } = resolveTimeouts(timeoutOptions, target.url);
  const shared = sharedClient(async () => {
    const [{ default: pg }, { createPgClient }] = await Promise.all([import('pg'), import('./pg-client')]);
    const pool = new pg.Pool(poolConfig(url ?? target.url, timeouts));
    // An idle connection the server closed: the pool drops it and the next checkout opens a new one.
    pool.on('error', () => undefined);
    return createPgClient(pool, { ownsPool: true });
  }, false);
  return {
    description: target.description,
    errors: errorContext(target.description, target.secrets, target.host, target.port, timeouts),
    opensSlowly: false,
    ...shared,
  };
}

function pgliteProvider(target: Extract<ConnectionTarget, { kind: 'pglite' }>): ClientProvider {
  const errors = errorContext(target.description, []);
  // In memory, the database lives as long as the destination, so a second run sees the first.
  const shared = sharedClient(async () => {
    try {
      const directory = target.directory === undefined ? undefined : resolve(target.directory);
      // Postgres in its own thread works while this one fetches and normalizes the next pages.
      return await openPgliteWorker({ directory, packedFile: undefined });
    } catch (error) {
      // A cause with its own hint (a directory of another PostgreSQL version) says what to do.
      const advice =
        typeof fieldOf(error, 'hint') === 'string'
          ? ''
          : ' Check that the directory is writable and not open in another process.';
      throw new DestinationError(
        `Could not open the embedded PGlite database ${target.description}: ${describeCause(error, errors).replace(/\.$/, '')}.${advice}`,
        { cause: error },
      );
    }
  }, target.directory === undefined);
  return { description: target.description, errors, opensSlowly: true, ...shared };
}

/**
 * Chooses the client: the user's, a pool for a server URL (with the timeouts), or embedded PGlite.
 * The timeouts apply to the connections the destination opens, not to a client the user built.
 */
export function createClientProvider(
  options: { url?: string; client?: UserClient } & ConnectionTimeouts,
): ClientProvider {
  if (options.client) return userClientProvider(options.client);
  const target = parseConnectionUrl(options.url);
  return target.kind === 'server' ? serverProvider(target, options) : pgliteProvider(target);
}
