import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteWorker } from './pglite-worker-client';
import {
  prestartPgliteWorker,
  releasePrestartedPgliteWorker,
  startPgliteWorker,
  takePrestartedWorker,
} from './pglite-worker-start';
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

  it('should run the first statement of a transaction inside it, and commit only when the work succeeds', async () => {
    // The first statement carries the BEGIN: it must see the same transaction as the rest.
    const ids = await client.transaction(async (transaction) => {
      const [first] = await transaction.query<{ id: string }>('SELECT txid_current()::text AS id');
      await transaction.copyFrom('COPY items (id, name) FROM STDIN', Buffer.from('5\tfive\n'));
      const [second] = await transaction.query<{ id: string }>('SELECT txid_current()::text AS id');
      return [first?.id, second?.id];
    });
    expect(ids[0]).toBeDefined();
    expect(ids[1]).toBe(ids[0]);
    expect(await client.query('SELECT name FROM items WHERE id = 5')).toEqual([{ name: 'five' }]);
  });

  it('should roll back when the first statement of a transaction fails, and when its COPY is first', async () => {
    await expect(
      client.transaction(async (transaction) => {
        await transaction.query("INSERT INTO items (id, name) VALUES (1, 'duplicate')");
      }),
    ).rejects.toMatchObject({ code: '23505' });
    await expect(
      client.transaction(async (transaction) => {
        await transaction.copyFrom('COPY items (id, name) FROM STDIN', Buffer.from('6\tsix\n'));
        await transaction.query("INSERT INTO items (id, name) VALUES (6, 'again')");
      }),
    ).rejects.toMatchObject({ code: '23505' });
    // Nothing of either is kept, and no transaction is left open: a later one commits on its own.
    expect(await client.query('SELECT id::int AS id FROM items WHERE id IN (1, 6) ORDER BY id')).toEqual([
      { id: 1 },
    ]);
    expect(await client.transaction(async () => 'no statement')).toBe('no statement');
    await client.transaction((transaction) =>
      transaction.query("INSERT INTO items (id, name) VALUES (7, 'seven')"),
    );
    await expect(client.query('ROLLBACK')).resolves.toEqual([]);
    expect(await client.query('SELECT name FROM items WHERE id = 7')).toEqual([{ name: 'seven' }]);
  });
});

describe('prestartPgliteWorker', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'restsync-prestart-'));
  });
  afterAll(async () => {
    await releasePrestartedPgliteWorker();
    await rm(scratch, { recursive: true, force: true });
  });

  const inMemory = { directory: undefined, packedFile: undefined };

  /** `DBState` in the directory's `global/pg_control` (after a u64 and two u32): 1 once shut down cleanly. */
  const shutDownCleanly = async (directory: string) =>
    (await readFile(join(directory, 'global', 'pg_control'))).readInt32LE(16) === 1;

  /** Opens an in-memory database as a destination does: it took the waiting thread (none is left) and runs. */
  const openTakingThePrestarted = async () => {
    const database = await openPgliteWorker(inMemory);
    try {
      expect(takePrestartedWorker(inMemory)).toBeUndefined();
      expect(await database.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await database.close();
    }
  };

  it('should hand a thread that opens nothing to the next PGlite destination, once', async () => {
    prestartPgliteWorker();
    const waiting = takePrestartedWorker(inMemory);
    expect(waiting?.worker).toBeDefined();
    expect(waiting?.opened).toBeUndefined();
    expect(takePrestartedWorker(inMemory)).toBeUndefined();
    await waiting?.worker.terminate();

    prestartPgliteWorker();
    await openTakingThePrestarted();
  }, 300_000);

  it('should hand a destination of the same directory the database it opened ahead', async () => {
    const settings = { directory: join(scratch, 'nested', 'ahead'), packedFile: undefined };
    prestartPgliteWorker(settings);
    const database = await openPgliteWorker(settings);
    try {
      expect(takePrestartedWorker(settings)).toBeUndefined();
      await database.query('CREATE TABLE kept (id int)');
      await database.query('INSERT INTO kept VALUES (1)');
    } finally {
      await database.close();
    }
    const reopened = await openPgliteWorker(settings);
    try {
      expect(await reopened.query('SELECT id FROM kept')).toEqual([{ id: 1 }]);
    } finally {
      await reopened.close();
    }
  }, 300_000);

  it('should close a database opened ahead for another directory, and open the one asked for', async () => {
    const other = { directory: join(scratch, 'other'), packedFile: undefined };
    const wanted = { directory: join(scratch, 'wanted'), packedFile: undefined };
    prestartPgliteWorker(other);
    const database = await openPgliteWorker(wanted);
    try {
      await database.query('CREATE TABLE wanted_here (id int)');
    } finally {
      await database.close();
    }
    // The other one was opened, then shut down cleanly (in the background), not killed.
    await expect.poll(() => shutDownCleanly(other.directory), { timeout: 120_000, interval: 100 }).toBe(true);
    const otherDatabase = await openPgliteWorker(other);
    try {
      expect(
        await otherDatabase.query(
          "SELECT count(*)::int AS tables FROM pg_tables WHERE tablename = 'wanted_here'",
        ),
      ).toEqual([{ tables: 0 }]);
    } finally {
      await otherDatabase.close();
    }
  }, 300_000);

  it('should close a database opened ahead that no destination took, when released', async () => {
    const settings = { directory: join(scratch, 'released'), packedFile: undefined };
    prestartPgliteWorker(settings);
    await releasePrestartedPgliteWorker();
    expect(takePrestartedWorker(settings)).toBeUndefined();
    expect(await shutDownCleanly(settings.directory)).toBe(true);
    const database = await openPgliteWorker(settings);
    try {
      await database.query('CREATE TABLE after_release (id int)');
    } finally {
      await database.close();
    }
  }, 300_000);

  it('should fail the destination with the open error of a database opened ahead, not hang', async () => {
    const file = join(scratch, 'a-file');
    await writeFile(file, 'not a directory');
    const settings = { directory: join(file, 'pglite'), packedFile: undefined };
    prestartPgliteWorker(settings);
    await expect(openPgliteWorker(settings)).rejects.toThrow(/EEXIST|ENOTDIR/);
  }, 300_000);

  it('should never hand over a prestarted thread that has died, and start a new one', async () => {
    const terminated = async (thread: Worker) => {
      const exited = once(thread, 'exit');
      await thread.terminate();
      await exited;
    };
    await terminated(prestartPgliteWorker());
    expect(takePrestartedWorker(inMemory)).toBeUndefined();
    const dead = prestartPgliteWorker();
    await terminated(dead);
    // A prestart while a dead one waits starts a new thread, and the destination takes that one.
    expect(prestartPgliteWorker()).not.toBe(dead);
    await openTakingThePrestarted();
  }, 300_000);

  it('should not hold the process open when no destination takes it', async () => {
    const script = `
      const { prestartPgliteWorker } = await import(${JSON.stringify(new URL('./pglite-worker-start.ts', import.meta.url).href)});
      prestartPgliteWorker();
      setTimeout(() => process.stdout.write('still here'), 50);
    `;
    // The process must end by itself once its own work is done (the test's timeout catches a hang).
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), timeout: 120_000, killSignal: 'SIGKILL' },
    );
    expect(stdout).toBe('still here');
  }, 150_000);

  it('should answer a request sent before "open" with an error, not a hang', async () => {
    const worker = startPgliteWorker();
    try {
      const response = await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage({ id: 1, kind: 'query', text: 'SELECT 1', params: [] });
      });
      expect(response).toMatchObject({
        id: 1,
        ok: false,
        error: { message: expect.stringMatching(/before "open"/) },
      });
    } finally {
      await worker.terminate();
    }
  }, 300_000);
});
