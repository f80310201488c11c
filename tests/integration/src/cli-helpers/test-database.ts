import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** Where a test loads: the Postgres server of `DATABASE_URL`, else a PGlite directory of its own. */
export interface TestDatabase {
  /** The destination URL to give the CLI. */
  url: string;
  /** Which engine the rows went to. */
  kind: 'server' | 'pglite';
  /** Runs a query after the CLI process has exited (PGlite allows one process at a time). */
  query<Row>(sql: string): Promise<Row[]>;
  /** Drops the test's schemas (server). */
  dropSchemas(...schemas: string[]): Promise<void>;
}

/** A dataset name nobody else uses, so test files can run in parallel against one server. */
export function uniqueDataset(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

export function pgliteQuery<Row>(directory: string, sql: string): Promise<Row[]> {
  return (async () => {
    const database = new PGlite(directory);
    try {
      return (await database.query<Row>(sql)).rows;
    } finally {
      await database.close();
    }
  })();
}

/** `DATABASE_URL` when set (CI: a real server), else a PGlite database under `directory`. */
export function testDatabase(directory: string): TestDatabase {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const query = async <Row>(sql: string): Promise<Row[]> => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        return (await client.query(sql)).rows as Row[];
      } finally {
        await client.end();
      }
    };
    return {
      url: serverUrl,
      kind: 'server',
      query,
      async dropSchemas(...schemas) {
        for (const schema of schemas) await query(`drop schema if exists "${schema}" cascade`);
      },
    };
  }
  const pgliteDirectory = join(directory, 'pglite-db');
  return {
    url: `pglite:${pgliteDirectory}`,
    kind: 'pglite',
    query: (sql) => pgliteQuery(pgliteDirectory, sql),
    async dropSchemas() {},
  };
}
