import { finished } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import copyStreams from 'pg-copy-streams';
import { CommitOutcomeUnknownError, isConnectionError } from './destination-errors';
import type { SqlClient, SqlExecutor } from './sql-client';

const listening = new WeakSet<object>();

/**
 * A connection that breaks while checked out (the server restarted, the network dropped) emits
 * `'error'`; without a listener Node would crash the process. The failure still reaches the caller:
 * the running query rejects, and the next one fails with "not queryable".
 */
function keepErrorsFromCrashing(connection: PoolClient): PoolClient {
  if (!listening.has(connection)) {
    listening.add(connection);
    connection.on('error', () => undefined);
  }
  return connection;
}

async function checkout(pool: Pool): Promise<PoolClient> {
  return keepErrorsFromCrashing(await pool.connect());
}

function executorFor(client: Pool | PoolClient): SqlExecutor {
  return {
    async query<ResultRow>(text: string, params?: readonly unknown[]) {
      const result = await client.query(text, params as unknown[] | undefined);
      return result.rows as ResultRow[];
    },
    async copyFrom(copySql, data) {
      const connection = 'release' in client ? client : await checkout(client);
      let releaseError: Error | undefined;
      try {
        const stream = connection.query(copyStreams.from(copySql));
        stream.end(data);
        await finished(stream);
      } catch (error) {
        releaseError = error instanceof Error ? error : new Error(String(error));
        throw error;
      } finally {
        if (connection !== client) (connection as PoolClient).release(releaseError);
      }
    },
  };
}

/**
 * An executor on one connection that runs its statements one after another, in the order they
 * are called: the batch writer sends a statement before the previous one is answered (see
 * `copyParts`), and `pg` must not be handed a query while one runs (it warns that this is
 * deprecated). A statement runs after the previous one settles, whether it succeeded or not, so a
 * ROLLBACK sent after a failure runs after every statement sent before it.
 */
function orderedExecutor(connection: PoolClient): SqlExecutor {
  const direct = executorFor(connection);
  let previous: Promise<unknown> = Promise.resolve();
  const inTurn = <Result>(work: () => Promise<Result>): Promise<Result> => {
    const turn = previous.then(work, work);
    previous = turn.catch(() => undefined);
    return turn;
  };
  return {
    query: <ResultRow>(text: string, params?: readonly unknown[]) =>
      inTurn(() => direct.query<ResultRow>(text, params)),
    copyFrom: (copySql, data) => inTurn(() => direct.copyFrom(copySql, data)),
  };
}

/**
 * A SqlClient over a `pg` Pool: every transaction runs on one pooled connection, COPY goes
 * through `pg-copy-streams`. `ownsPool`: `close()` ends the pool (false for a user's pool).
 * A connection that failed is discarded, never handed out again, so the next transaction runs
 * on a fresh one. A connection lost during COMMIT throws `CommitOutcomeUnknownError`.
 */
export function createPgClient(pool: Pool, options: { ownsPool: boolean }): SqlClient {
  const direct = executorFor(pool);
  if (options.ownsPool) pool.on('connect', keepErrorsFromCrashing);
  return {
    query: direct.query,
    copyFrom: direct.copyFrom,
    async transaction(work) {
      const connection = await checkout(pool);
      const ordered = orderedExecutor(connection);
      let releaseError: Error | undefined;
      let committing = false;
      try {
        await ordered.query('BEGIN');
        const result = await work(ordered);
        committing = true;
        await ordered.query('COMMIT');
        return result;
      } catch (error) {
        if (committing && isConnectionError(error)) {
          // The server may have committed before the connection broke: the caller must not assume either way.
          releaseError = error instanceof Error ? error : new Error(String(error));
          throw new CommitOutcomeUnknownError(error);
        }
        try {
          await ordered.query('ROLLBACK');
        } catch (rollbackError) {
          // The connection is unusable: tell the pool to discard it instead of reusing it.
          releaseError = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw error;
      } finally {
        connection.release(releaseError);
      }
    },
    async close() {
      if (options.ownsPool) await pool.end();
    },
  };
}
