import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgClient } from './pg-client';
import type { SqlClient } from './sql-client';

const serverUrl = process.env.DATABASE_URL;
const table = `restsync_pg_client_${process.pid}`;

describe.skipIf(serverUrl === undefined)('createPgClient (Postgres server)', () => {
  let client: SqlClient;
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.message);

  beforeAll(async () => {
    client = createPgClient(new pg.Pool({ connectionString: serverUrl, max: 2 }), { ownsPool: true });
    await client.query(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
    process.on('warning', onWarning);
  });

  afterAll(async () => {
    process.off('warning', onWarning);
    await client?.query(`DROP TABLE IF EXISTS ${table}`);
    await client?.close();
  });

  it('should run statements sent before the previous answer in the order sent, without pg warnings', async () => {
    const [, , counted] = await client.transaction((transaction) =>
      Promise.all([
        transaction.query(`INSERT INTO ${table} VALUES (1)`),
        transaction.copyFrom(`COPY ${table} (id) FROM STDIN`, Buffer.from('2\n3\n')),
        transaction.query<{ rows: number }>(`SELECT count(*)::int AS rows FROM ${table}`),
      ]),
    );
    expect(counted).toEqual([{ rows: 3 }]);
    expect(warnings).toEqual([]);
  });

  it('should roll back after every statement sent before the failure, keeping none of them', async () => {
    const sent: Promise<unknown>[] = [];
    await expect(
      client.transaction(async (transaction) => {
        sent.push(transaction.query(`INSERT INTO ${table} VALUES (10)`));
        sent.push(transaction.query(`INSERT INTO ${table} VALUES (1)`)); // a stored key: fails
        // Sent after the failure, still waiting when the work rejects: it must not run after the
        // ROLLBACK, outside the transaction, and keep its row.
        sent.push(transaction.query(`INSERT INTO ${table} VALUES (11)`));
        await Promise.all(sent);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    await Promise.allSettled(sent);
    expect(await client.query(`SELECT id FROM ${table} WHERE id >= 10 ORDER BY id`)).toEqual([]);
    expect(warnings).toEqual([]);
  });
});
