import { finished } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import copyStreams from 'pg-copy-streams';
import type { SqlClient, SqlExecutor } from './sql-client';

function executorFor(client: Pool | PoolClient): SqlExecutor {
  return {
    async query<ResultRow>(text: string, params?: readonly unknown[]) {
      const result = await client.query(text, params as unknown[] | undefined);
      return result.rows as ResultRow[];
    },
    async copyFrom(copySql, data) {
      const connection = 'release' in client ? client : await client.connect();
      try {
        const stream = connection.query(copyStreams.from(copySql));
        stream.end(data);
        await finished(stream);
      } finally {
        if (connection !== client) (connection as PoolClient).release();
      }
    },
  };
}

/**
 * A SqlClient over a `pg` Pool: every transaction runs on one pooled connection, COPY goes
 * through `pg-copy-streams`. `ownsPool`: `close()` ends the pool (false for a user's pool).
 */
export function createPgClient(pool: Pool, options: { ownsPool: boolean }): SqlClient {
  const direct = executorFor(pool);
  return {
    query: direct.query,
    copyFrom: direct.copyFrom,
    async transaction(work) {
      const connection = await pool.connect();
      let releaseError: Error | undefined;
      try {
        await connection.query('BEGIN');
        const result = await work(executorFor(connection));
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await connection.query('ROLLBACK');
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
