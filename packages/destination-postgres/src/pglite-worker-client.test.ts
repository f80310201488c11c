import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteWorker } from './pglite-worker-client';
import type { SqlClient } from './sql-client';

let client: SqlClient;

beforeAll(async () => {
  client = await openPgliteWorker({ directory: undefined, packedFile: undefined });
  await client.query('CREATE TABLE items (id bigint PRIMARY KEY, name text)');
}, 300_000);

afterAll(async () => {
  await client?.close();
});

describe('openPgliteWorker', () => {
  it('should load COPY data and read it back through the worker thread', async () => {
    await client.copyFrom('COPY items (id, name) FROM STDIN', Buffer.from('1\tone\n2\t\\N\n'));
    expect(await client.query('SELECT id::int AS id, name FROM items ORDER BY id')).toEqual([
      { id: 1, name: 'one' },
      { id: 2, name: null },
    ]);
  });

  it("should reject with the database error's message, code and detail", async () => {
    const error = await client
      .query('INSERT INTO items (id, name) VALUES (1, $1)', ['again'])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: '23505', message: expect.stringMatching(/duplicate key/) });
    expect((error as { detail?: string }).detail).toMatch(/\(id\)=\(1\)/);
  });

  it('should roll back a transaction whose work fails, and stay usable', async () => {
    let outside: Promise<unknown[]> | undefined;
    await expect(
      client.transaction(async (transaction) => {
        await transaction.query("INSERT INTO items (id, name) VALUES (3, 'three')");
        // Asked while the transaction runs: it must wait, not see the uncommitted row on the same connection.
        outside = client.query('SELECT count(*)::int AS rows FROM items');
        await transaction.query('SELECT 1');
        throw new Error('stop here');
      }),
    ).rejects.toThrow('stop here');
    expect(await outside).toEqual([{ rows: 2 }]);
    await client.transaction((transaction) =>
      transaction.query("INSERT INTO items (id, name) VALUES (4, 'four')"),
    );
    expect(await client.query('SELECT count(*)::int AS rows FROM items')).toEqual([{ rows: 3 }]);
  });
});
