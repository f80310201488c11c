import type { PGliteInterface, Transaction } from '@electric-sql/pglite';
import type { SqlClient, SqlExecutor } from './sql-client';

/** PGlite reads COPY data from a blob it exposes as `/dev/blob`. */
export function toBlobCopy(copySql: string): string {
  return copySql.replace(/FROM STDIN( WITH \(FORMAT binary\))?$/, "FROM '/dev/blob'$1");
}

function executorFor(database: PGliteInterface | Transaction): SqlExecutor {
  return {
    async query<ResultRow>(text: string, params?: readonly unknown[]) {
      const result = await database.query<ResultRow>(text, params ? [...params] : []);
      return result.rows;
    },
    async copyFrom(copySql, data) {
      await database.query(toBlobCopy(copySql), [], { blob: new Blob([data]) });
    },
  };
}

/** A SqlClient over an embedded PGlite database. `ownsDatabase`: `close()` closes it. */
export function createPgliteClient(database: PGliteInterface, options: { ownsDatabase: boolean }): SqlClient {
  const direct = executorFor(database);
  return {
    embedded: true,
    query: direct.query,
    copyFrom: direct.copyFrom,
    transaction: (work) => database.transaction((transaction) => work(executorFor(transaction))),
    async close() {
      if (options.ownsDatabase && !database.closed) await database.close();
    },
  };
}
