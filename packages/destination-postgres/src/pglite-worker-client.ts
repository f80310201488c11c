import type { WorkerRequest, WorkerResponse, WorkerSettings } from './pglite-worker';
import { startPgliteWorker, takePrestartedWorker } from './pglite-worker-start';
import type { SqlClient, SqlExecutor } from './sql-client';

type Request = WorkerRequest extends infer Each
  ? Each extends WorkerRequest
    ? Omit<Each, 'id'>
    : never
  : never;

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
 * request is in flight; `close()` closes the database and ends the thread. It takes the thread
 * `prestartPgliteWorker` started, if one waits (already opening this database, or not opening
 * any), else starts one.
 */
export async function openPgliteWorker(settings: WorkerSettings): Promise<SqlClient> {
  const taken = takePrestartedWorker(settings);
  const worker = taken?.worker ?? startPgliteWorker();
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

  const send = (request: Request): Promise<unknown[]> =>
    new Promise<unknown[]>((resolve, reject) => {
      if (stopped) return reject(stopped);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...request, id });
    });

  try {
    if (taken?.opened) {
      // Opening since the thread started: held open (referenced) until it answers.
      worker.ref();
      const response = await taken.opened;
      if (pending.size === 0) worker.unref();
      if (!response.ok) throw errorFrom(response.error);
    } else {
      await send({ kind: 'open', settings });
    }
  } catch (error) {
    await worker.terminate();
    throw error;
  }

  /** Statements through the thread; `begin()` says whether one is the first of its transaction. */
  const executorWith = (begin: () => boolean): SqlExecutor => ({
    query: async <ResultRow>(text: string, params?: readonly unknown[]) =>
      (await send({ kind: 'query', text, params: params ?? [], begin: begin() })) as ResultRow[],
    copyFrom: async (sql, data) => {
      await send({ kind: 'copy', sql, data, begin: begin() });
    },
  });
  const executor = executorWith(() => false);
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
        // The first statement carries the BEGIN (the worker runs it only if BEGIN succeeded), so
        // a batch does not wait a round trip between BEGIN and its first statement.
        let begun = false;
        const inTransaction = executorWith(() => {
          const first = !begun;
          begun = true;
          return first;
        });
        try {
          const result = await work(inTransaction);
          if (begun) await executor.query('COMMIT');
          return result;
        } catch (error) {
          if (begun) await executor.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    async close() {
      if (!stopped) await exclusive(() => send({ kind: 'close' }));
      await worker.terminate();
    },
  };
}
