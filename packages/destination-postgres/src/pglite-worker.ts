import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';
import { toBlobCopy } from './pglite-client';
import { openPglite, preparePglite } from './pglite-open';

/**
 * The worker thread that owns an embedded PGlite database (see `pglite-worker-client.ts`): Postgres
 * runs here, beside the thread that fetches and normalizes pages, as a server would in its own
 * process. It runs one request at a time, in the order they arrive.
 *
 * At start it loads PGlite and compiles its WebAssembly, touching no directory; the first request
 * (`open`) names the directory. So the thread can be started before the run knows it will open the
 * database (see `pglite-worker-start.ts`).
 */

/**
 * A request from the destination's thread. `begin`: run `BEGIN` first, and the statement only if
 * it succeeded; a transaction's first statement carries it, which saves the thread a round trip.
 */
export type WorkerRequest =
  | { id: number; kind: 'open'; settings: WorkerSettings }
  | { id: number; kind: 'query'; text: string; params: readonly unknown[]; begin?: boolean }
  | { id: number; kind: 'copy'; sql: string; data: Uint8Array; begin?: boolean }
  | { id: number; kind: 'close' };

/** The answer to one request; a failure carries the error's own fields (`code`, `detail`, `hint`, ...). */
export type WorkerResponse =
  | { id: number; ok: true; rows: unknown[] }
  | { id: number; ok: false; error: { name: string; message: string; fields: Record<string, unknown> } };

/** What the worker opens: a directory (undefined: in memory) and where the packed data directory is. */
export interface WorkerSettings {
  directory: string | undefined;
  packedFile: string | undefined;
}

function describeError(error: unknown): Extract<WorkerResponse, { ok: false }>['error'] {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      fields[key] = value;
  }
  return { name: error.name, message: error.message, fields };
}

async function handle(
  database: PGlite,
  request: Exclude<WorkerRequest, { kind: 'open' }>,
): Promise<unknown[]> {
  if (request.kind !== 'close' && request.begin) await database.query('BEGIN');
  if (request.kind === 'query') return (await database.query(request.text, [...request.params])).rows;
  if (request.kind === 'copy') {
    await database.query(toBlobCopy(request.sql), [], { blob: new Blob([request.data]) });
    return [];
  }
  if (!database.closed) await database.close();
  return [];
}

/**
 * V8's budget before it recompiles a hot WebAssembly function with its optimizing compiler
 * (default 1 800 000, "bytes executed"). At the default, PGlite's start-up alone sends hundreds of
 * Postgres functions that run once to the optimizer: seconds of CPU on V8's threads that a run of
 * 100 000 rows never pays back, and that the process waits for before it exits. With this budget
 * only the functions a long load runs hot get optimized. V8 flags are per process: this applies to
 * the WebAssembly modules the process compiles from now on (their speed, never their results),
 * and a budget or tier set on the command line or in NODE_OPTIONS wins.
 */
const pgliteTieringBudget = 500_000_000;

function wasmTieringSetByUser(): boolean {
  return [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((option) =>
    /--(no-)?(wasm[-_]tiering[-_]budget|wasm[-_]dynamic[-_]tiering|wasm[-_]tier[-_]up|liftoff)/.test(option),
  );
}

const port = parentPort;
if (port) {
  if (!wasmTieringSetByUser()) setFlagsFromString(`--wasm-tiering-budget=${pgliteTieringBudget}`);
  const prepared = preparePglite();
  let opening: Promise<PGlite> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    queue = queue
      .catch(() => undefined)
      .then(async () => {
        let response: WorkerResponse;
        try {
          let rows: unknown[] = [];
          if (request.kind === 'open') {
            if (opening) throw new Error('This PGlite worker thread has opened its database already.');
            const { directory, packedFile } = request.settings;
            opening = (async () => {
              if (directory !== undefined) await mkdir(dirname(directory), { recursive: true });
              return openPglite(directory, packedFile, prepared);
            })();
            await opening;
          } else {
            if (!opening) throw new Error('The PGlite worker thread was sent a request before "open".');
            rows = await handle(await opening, request);
          }
          response = { id: request.id, ok: true, rows };
        } catch (error) {
          response = { id: request.id, ok: false, error: describeError(error) };
        }
        port.postMessage(response);
      });
  });
}
