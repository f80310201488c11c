import { Worker } from 'node:worker_threads';
import type { WorkerResponse, WorkerSettings } from './pglite-worker';

/*
 * Starting the worker thread that runs an embedded PGlite (`pglite-worker.ts`). This file imports
 * nothing of the destination, so the CLI can start the thread while its own modules still load.
 */

/**
 * Starts the worker from its built `.js` beside this file, or, when this file runs from the
 * TypeScript sources (the workspace's tests), from its `.ts` source through tsx's loader. The
 * thread loads PGlite and compiles its WebAssembly at once, and opens nothing until told to.
 */
export function startPgliteWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./pglite-worker.js', import.meta.url));
  const source = JSON.stringify(new URL('./pglite-worker.ts', import.meta.url).href);
  return new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${source}); });`,
    {
      eval: true,
    },
  );
}

/** The id of the `open` request a prestarted thread was sent; a destination's own requests count from 1. */
const prestartOpenId = 0;
/** The id of the `close` request that ends a prestarted thread no destination took. */
const prestartCloseId = -1;

/** A thread `prestartPgliteWorker` started, until a destination takes it. */
interface Prestarted {
  worker: Worker;
  /** Set once the thread has stopped (an error, or it exited), by `died`. */
  dead: boolean;
  died: () => void;
  /** The database it was told to open, and the answer to that request (a failure if the thread stops first). */
  open?: { settings: WorkerSettings; answer: Promise<WorkerResponse> };
}

let prestarted: Prestarted | undefined;

/** The answer to request `id`, or a failure once the thread stops without answering it. */
function answerTo(worker: Worker, id: number): Promise<WorkerResponse> {
  return new Promise((resolve) => {
    const stopped = (reason: unknown) => {
      cleanUp();
      const message = reason instanceof Error ? reason.message : `exit code ${String(reason)}`;
      resolve({
        id,
        ok: false,
        error: { name: 'Error', message: `The PGlite worker thread stopped (${message}).`, fields: {} },
      });
    };
    const answered = (response: WorkerResponse) => {
      if (response.id !== id) return;
      cleanUp();
      resolve(response);
    };
    const cleanUp = () => {
      worker.off('message', answered);
      worker.off('error', stopped);
      worker.off('exit', stopped);
    };
    worker.on('message', answered);
    worker.on('error', stopped);
    worker.on('exit', stopped);
  });
}

/**
 * Starts PGlite's worker thread ahead of the destination that will use it: the next embedded
 * PGlite a `postgres()` destination opens in this process takes it instead of starting its own.
 * The thread loads PGlite and compiles its WebAssembly while the caller loads its own modules and
 * reads its config. With `open`, it also opens that database (undefined directory: in memory) at
 * once, as the destination would: a destination that opens the same one takes it open; any other
 * closes it first. Without `open` it touches no directory.
 *
 * The thread never keeps the process alive. A caller that may end without opening a destination
 * calls `releasePrestartedPgliteWorker()` first, so a database opened ahead is closed cleanly.
 * A second call while one waits does nothing. Returns the waiting thread (to watch it, not to use:
 * a destination takes it over).
 */
export function prestartPgliteWorker(open?: WorkerSettings): Worker {
  if (prestarted && !prestarted.dead) return prestarted.worker;
  const worker = startPgliteWorker();
  const entry: Prestarted = {
    worker,
    dead: false,
    died: () => {
      entry.dead = true;
    },
  };
  worker.on('error', entry.died);
  worker.on('exit', entry.died);
  if (open) {
    entry.open = { settings: open, answer: answerTo(worker, prestartOpenId) };
    worker.postMessage({ id: prestartOpenId, kind: 'open', settings: open });
  }
  worker.unref();
  prestarted = entry;
  return worker;
}

/** A prestarted thread handed to a destination, and the answer to its `open` when it was sent one. */
export interface TakenWorker {
  worker: Worker;
  opened?: Promise<WorkerResponse>;
}

function sameSettings(left: WorkerSettings, right: WorkerSettings): boolean {
  return left.directory === right.directory && left.packedFile === right.packedFile;
}

/**
 * The thread `prestartPgliteWorker` started, handed over once (only the wait for its `open` answer
 * still listens to it), for a destination that opens `settings`. Undefined when none waits, when it has died, or
 * when it opened another database (closed here, in the background, before its thread ends): the
 * caller then starts a thread of its own.
 */
export function takePrestartedWorker(settings: WorkerSettings): TakenWorker | undefined {
  const entry = prestarted;
  if (!entry) return undefined;
  prestarted = undefined;
  if (entry.dead || (entry.open && !sameSettings(entry.open.settings, settings))) {
    void dispose(entry);
    return undefined;
  }
  entry.worker.off('error', entry.died);
  entry.worker.off('exit', entry.died);
  return entry.open ? { worker: entry.worker, opened: entry.open.answer } : { worker: entry.worker };
}

/** Closes the database a prestarted thread opened (if it did), then ends the thread. Never throws. */
async function dispose(entry: Prestarted): Promise<void> {
  if (!entry.dead && entry.open) {
    entry.worker.ref();
    if ((await entry.open.answer).ok && !entry.dead) {
      const closed = answerTo(entry.worker, prestartCloseId);
      entry.worker.postMessage({ id: prestartCloseId, kind: 'close' });
      await closed;
    }
  }
  await entry.worker.terminate().catch(() => undefined);
}

/**
 * Ends the thread `prestartPgliteWorker` started if no destination took it, closing the database it
 * opened ahead (after its open finishes) so nothing is left half-written. Nothing when none waits.
 */
export async function releasePrestartedPgliteWorker(): Promise<void> {
  const entry = prestarted;
  prestarted = undefined;
  if (entry) await dispose(entry);
}
