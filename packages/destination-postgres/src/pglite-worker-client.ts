import { Worker } from 'node:worker_threads';
import type { WorkerRequest, WorkerResponse, WorkerSettings } from './pglite-worker';
import type { SqlClient, SqlExecutor } from './sql-client';

type Request = WorkerRequest extends infer Each
  ? Each extends WorkerRequest
    ? Omit<Each, 'id'>
    : never
  : never;

/**
 * Starts the worker from its built `.js` beside this file, or, when this file runs from the
 * TypeScript sources (the workspace's tests), from its `.ts` source through tsx's loader.
 */
function startWorker(settings: WorkerSettings): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./pglite-worker.js', import.meta.url), { workerData: settings });
  }
  const source = JSON.stringify(new URL('./pglite-worker.ts', import.meta.url).href);
  return new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${source}); });`,
    { eval: true, workerData: settings },
  );
}

function errorFrom(failure: Extract<WorkerResponse, { ok: false }>['error']): Error {
  const error = Object.assign(new Error(failure.message), failure.fields);
  error.name = failure.name;
  return error;
}

/**
 * A SqlClient over an embedded PGlite database that runs in a worker thread, so Postgres works
 * while this thread fetches and normalizes the next pages (as with a server, which runs in its own
 * process). Same guarantees as the in-thread client: one transaction at a time, and a query outside
 * a transaction waits for the running one to end. The worker holds the process open only while a
 * request is in flight; `close()` closes the database and ends the thread.
 */
export async function openPgliteWorker(settings: WorkerSettings): Promise<SqlClient> {
  const worker = startWorker(settings);
  const pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (error: Error) => void }>();
  let stopped: Error | undefined;
  let nextId = 1;

  const stop = (error: Error) => {
    stopped ??= error;
    for (const request of pending.values()) request.reject(error);
    pending.clear();
  };
  worker.on('message', (response: WorkerResponse) => {
    const request = pending.get(response.id);
    pending.delete(response.id);
    if (pending.size === 0) worker.unref();
    if (response.ok) request?.resolve(response.rows);
    else request?.reject(errorFrom(response.error));
  });
  worker.on('error', stop);
  worker.on('exit', (code) => stop(new Error(`The PGlite worker thread stopped (exit code ${code}).`)));

  const answer = (id: number) =>
    new Promise<unknown[]>((resolve, reject) => {
      if (stopped) return reject(stopped);
      pending.set(id, { resolve, reject });
      worker.ref();
    });
  const send = (request: Request): Promise<unknown[]> => {
    const id = nextId++;
    const rows = answer(id);
    if (!stopped) worker.postMessage({ ...request, id });
    return rows;
  };

  try {
    await answer(0);
  } catch (error) {
    await worker.terminate();
    throw error;
  }

  const executor: SqlExecutor = {
    query: async <ResultRow>(text: string, params?: readonly unknown[]) =>
      (await send({ kind: 'query', text, params: params ?? [] })) as ResultRow[],
    copyFrom: async (sql, data) => {
      await send({ kind: 'copy', sql, data });
    },
  };
  let turn: Promise<unknown> = Promise.resolve();
  const exclusive = <Result>(work: () => Promise<Result>): Promise<Result> => {
    const run = turn.then(work);
    turn = run.catch(() => undefined);
    return run;
  };

  return {
    embedded: true,
    query: (text, params) => exclusive(() => executor.query(text, params)),
    copyFrom: (sql, data) => exclusive(() => executor.copyFrom(sql, data)),
    transaction: (work) =>
      exclusive(async () => {
        await executor.query('BEGIN');
        try {
          const result = await work(executor);
          await executor.query('COMMIT');
          return result;
        } catch (error) {
          await executor.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    async close() {
      if (!stopped) await exclusive(() => send({ kind: 'close' }));
      await worker.terminate();
    },
  };
}
