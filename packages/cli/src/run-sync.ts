import { pipeline, type RestsyncEvent, type RunResult } from '@restsync/core';
import { InterruptedError } from './error-report';
import type { PreparedRun } from './prepare-run';
import { createProgress, type ProgressStream } from './progress';
import type { RunTracker } from './run-tracker';

export interface RunSyncOptions {
  /** Where progress goes (stderr). */
  progressStream: ProgressStream;
  /** Counts pages, rows and retries; read it after a failure for partial counts. */
  tracker: RunTracker;
  /** Aborting stops the progress display and rejects with `InterruptedError` at once. */
  signal?: AbortSignal;
  /** Plain progress line interval when the stream is not a TTY, in ms. @default 2000 */
  progressIntervalMs?: number;
}

function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new InterruptedError());
    else signal.addEventListener('abort', () => reject(new InterruptedError()), { once: true });
  });
}

/** Runs the prepared pipeline with live progress; resolves with its result or rejects with its error. */
export async function runSync(prepared: PreparedRun, options: RunSyncOptions): Promise<RunResult> {
  const { tracker } = options;
  const progress = createProgress({
    stream: options.progressStream,
    tracker,
    ...(options.progressIntervalMs === undefined ? {} : { intervalMs: options.progressIntervalMs }),
  });
  const onEvent = (event: RestsyncEvent) => {
    tracker.onEvent(event);
    progress.onEvent(event);
  };
  const stop = () => progress.stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    const run = pipeline({
      name: prepared.pipelineName,
      dataset: prepared.dataset,
      destination: prepared.destination,
      onEvent,
    }).run(prepared.source);
    if (!options.signal) return await run;
    // The pipeline cannot be cancelled: on an interrupt the CLI reports and exits; committed batches stay.
    run.catch(() => undefined);
    return await Promise.race([run, whenAborted(options.signal)]);
  } finally {
    options.signal?.removeEventListener('abort', stop);
    progress.stop();
  }
}
