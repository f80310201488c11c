import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Destination } from '@restsync/core';
import { mongodb } from '@restsync/destination-mongodb';
import { postgres } from '@restsync/destination-postgres';
import { MongoClient } from 'mongodb';
import pg from 'pg';

/** Reads back what a sync left in the database: the row count and the name of id 1. */
export type DestinationCheck = (
  dataset: string,
  table: string,
) => Promise<{ rows: number; sampleName: string }>;

export interface DestinationChoiceOptions {
  env: Record<string, string | undefined>;
  /** Where the embedded PGlite database lives when no server is configured. */
  pgliteDirectory: string;
}

export interface DestinationChoice {
  destination: Destination;
  check: DestinationCheck;
  /** Closes the clients the demo opened. */
  close(): Promise<void>;
}

/** MongoDB when MONGODB_URL is set, Postgres when DATABASE_URL is set, else embedded PGlite. */
export async function chooseDestination(options: DestinationChoiceOptions): Promise<DestinationChoice> {
  const { MONGODB_URL: mongoUrl, DATABASE_URL: databaseUrl } = options.env;
  if (mongoUrl) {
    const client = await MongoClient.connect(mongoUrl);
    return {
      destination: mongodb({ client }),
      check: async (dataset, table) => {
        const collection = client.db(dataset).collection<{ _id: unknown; name?: string }>(table);
        const sample = await collection.findOne({ _id: 1 as never });
        return { rows: await collection.countDocuments(), sampleName: String(sample?.name) };
      },
      close: () => client.close(),
    };
  }
  if (databaseUrl) {
    const pool = new pg.Pool({ connectionString: databaseUrl });
    return {
      destination: postgres({ client: pool }),
      check: (dataset, table) =>
        readBack((sql) => pool.query(sql).then((result) => result.rows), dataset, table),
      close: () => pool.end(),
    };
  }
  await mkdir(dirname(options.pgliteDirectory), { recursive: true });
  const database = new PGlite(options.pgliteDirectory);
  return {
    destination: postgres({ client: database }),
    check: (dataset, table) =>
      readBack(
        (sql) => database.query<Record<string, unknown>>(sql).then((result) => result.rows),
        dataset,
        table,
      ),
    close: () => database.close(),
  };
}

async function readBack(
  query: (sql: string) => Promise<Record<string, unknown>[]>,
  dataset: string,
  table: string,
): Promise<{ rows: number; sampleName: string }> {
  const qualified = `"${dataset.replace(/"/g, '""')}"."${table.replace(/"/g, '""')}"`;
  const [count] = await query(`SELECT count(*)::int AS rows FROM ${qualified}`);
  const [sample] = await query(`SELECT name FROM ${qualified} WHERE id = 1`);
  return { rows: Number(count?.rows), sampleName: String(sample?.name) };
}
