import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import type { Destination } from '@restsync/core';
import { postgres } from '@restsync/destination-postgres';
import pg from 'pg';

/** The Postgres the tests load into: the server at `DATABASE_URL`, else an in-memory PGlite. */
export interface PostgresTarget {
  /** Which one runs, for the describe title. */
  readonly label: string;
  /** A fresh destination on this Postgres. */
  destination(): Destination;
  /** Runs a query and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, parameters?: unknown[]): Promise<T[]>;
  /** A new, unique dataset (schema) name; dropped by `close()`. */
  dataset(prefix: string): string;
  /** Drops the datasets and closes the connections. */
  close(): Promise<void>;
}

/** Opens the Postgres selected by `DATABASE_URL` (a server) or PGlite when it is not set. */
export async function openPostgresTarget(): Promise<PostgresTarget> {
  const url = process.env.DATABASE_URL;
  const datasets: string[] = [];
  const dataset = (prefix: string) => {
    const name = `${prefix}_${randomBytes(4).toString('hex')}`;
    datasets.push(name);
    return name;
  };
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    return {
      label: 'Postgres server at DATABASE_URL',
      destination: () => postgres({ url }),
      query: async (sql, parameters) => (await pool.query(sql, parameters)).rows,
      dataset,
      async close() {
        for (const name of datasets) await pool.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
        await pool.end();
      },
    };
  }
  const database = await PGlite.create();
  return {
    label: 'PGlite',
    destination: () => postgres({ client: database }),
    query: async <T>(sql: string, parameters?: unknown[]) => (await database.query<T>(sql, parameters)).rows,
    dataset,
    close: () => database.close(),
  };
}
