import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** The few SQL operations the load ceiling needs, over a Postgres server or PGlite. */
export interface BenchDatabase {
  exec(sql: string): Promise<void>;
  queryCount(sql: string): Promise<number>;
  queryRows<Result>(sql: string): Promise<Result[]>;
  /** Runs `COPY … FROM STDIN` with the given text-format data. */
  copy(copySql: string, data: string): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(url: string): Promise<BenchDatabase> {
  if (url.startsWith('pglite:')) {
    const directory = url.slice('pglite:'.length);
    const database = new PGlite(directory === 'memory' ? undefined : directory);
    return {
      exec: async (sql) => {
        await database.exec(sql);
      },
      queryCount: async (sql) => Number((await database.query<{ count: string }>(sql)).rows[0]?.count),
      queryRows: async <Result>(sql: string) => (await database.query<Result>(sql)).rows,
      copy: async (copySql, data) => {
        await database.query(copySql.replace('FROM STDIN', "FROM '/dev/blob'"), [], {
          blob: new Blob([data]),
        });
      },
      close: () => database.close(),
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    exec: async (sql) => {
      await client.query(sql);
    },
    queryCount: async (sql) => Number((await client.query<{ count: string }>(sql)).rows[0]?.count),
    queryRows: async <Result>(sql: string) =>
      (await client.query<Result & pg.QueryResultRow>(sql)).rows as Result[],
    copy: async (copySql, data) => {
      await pipeline(Readable.from([data]), client.query(copyFrom(copySql)));
    },
    close: () => client.end(),
  };
}
