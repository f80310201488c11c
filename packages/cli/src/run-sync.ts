import { type Engine, pipeline, type RestsyncEvent, RunCancelledError, type RunResult } from '@restsync/core';
import {
  announceDestination,
  type DestinationAnnouncement,
  describeDestinationTarget,
} from './destination-line';
import type { PreparedRun } from './prepare-run';
import { createProgress, type ProgressStream } from './progress';
import type { RunTracker } from './run-tracker';
import { notePage } from './v8-settings';

export interface RunSyncOptions {
  /** Where progress goes (stderr). */
  progressStream: ProgressStream;
  /** Counts pages, rows and retries; read it after a failure for partial counts. */
  tracker: RunTracker;
  /**
   * Cancels the run (the first Ctrl-C): the progress display stops, a notice is written, the
   * batch in its transaction finishes, and the run rejects with a `RunCancelledError`.
   */
  signal?: AbortSignal;
  /** Plain progress line interval when the stream is not a TTY, in ms. @default 2000 */
  progressIntervalMs?: number;
  /** `--wait`: how long to wait for another run of the pipeline and dataset (see `PipelineOptions`). */
  lockTimeoutMs?: number;
  /** `--lease-ttl`: how long the run's lease lasts unless renewed (see `PipelineOptions`). */
  leaseTtlMs?: number;
  /** `--concurrency`: request sequences run at once for parallelized resources (see `PipelineOptions`). */
  maxConcurrency?: number;
  /** `--full-refresh`: ignore stored incremental cursors and checkpoints (see `RunOptions`). */
  fullRefresh?: boolean;
  /** `--engine`: run the units on workers (see `RunOptions.engine`); the caller closes it. */
  engine?: Engine;
  /** `--quiet`: no live progress (errors still go to the stream). */
  quiet?: boolean;
  /** The destination line `bin.ts` showed before the CLI's modules loaded; kept when it says the same. */
  announcement?: DestinationAnnouncement;
  /** More receivers of every (redacted) event: `--verbose` request lines, `--otel`. */
  listeners?: Array<(event: RestsyncEvent) => void>;
}

/** Written when the run is cancelled; a second Ctrl-C exits at once (see `bin.ts`). */
const stoppingNotice = 'restsync: stopping after the current batch… (press Ctrl-C again to exit now)\n';

/** `restsync: users: paginator detected: {"type":"header_link"} (the response has a Link header with rel="next")` */
export function formatDetection(event: Extract<RestsyncEvent, { type: 'paginator_detected' }>): string {
  return `restsync: ${event.resource}: paginator detected: ${JSON.stringify(event.config)} (${event.reason})\n`;
}

/** `restsync: resuming "issues" from page 3 (load 1733… interrupted)` */
function formatResume(event: Extract<RestsyncEvent, { type: 'resume' }>): string {
  return `restsync: resuming "${event.resource}" from ${event.from}\n`;
}

/**
 * Says which destination the run opens, and where the setting came from, before anything connects
 * (PGlite's first open or a server that does not answer can take seconds). On a TTY a spinner runs
 * until the pipeline's first event; elsewhere it is one plain line. A line `bin.ts` showed already
 * (`options.announcement`) is kept when it says the same.
 */
function announceRun(prepared: PreparedRun, options: RunSyncOptions): { done(opened?: boolean): void } {
  const text = describeDestinationTarget(prepared.target);
  if (options.quiet) return { done() {} };
  if (options.announcement?.text !== text) options.announcement?.done('withdrawn');
  const shown =
    options.announcement?.text === text
      ? options.announcement
      : announceDestination(text, options.progressStream);
  return { done: (opened = true) => shown.done(opened ? 'opened' : 'failed') };
}

/** Runs the prepared pipeline with live progress; resolves with its result or rejects with its error. */
export async function runSync(prepared: PreparedRun, options: RunSyncOptions): Promise<RunResult> {
  const { tracker } = options;
  // `--quiet`: no progress at all (its timer would print plain progress lines on a slow run).
  const progress = options.quiet
    ? undefined
    : createProgress({
        stream: options.progressStream,
        tracker,
        ...(options.progressIntervalMs === undefined ? {} : { intervalMs: options.progressIntervalMs }),
      });
  const opening = announceRun(prepared, options);
  const onEvent = (event: RestsyncEvent) => {
    opening.done();
    tracker.onEvent(event);
    if (event.type === 'page') notePage(event);
    progress?.onEvent(event);
    for (const listener of options.listeners ?? []) listener(event);
    if (event.type === 'paginator_detected') options.progressStream.write(formatDetection(event));
    if (event.type === 'lease_wait') options.progressStream.write(`restsync: ${event.message}\n`);
    if (event.type === 'resume' && !options.quiet) options.progressStream.write(formatResume(event));
  };
  const stop = () => {
    opening.done();
    progress?.stop();
    options.progressStream.write(stoppingNotice);
  };
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    return await pipeline({
      name: prepared.pipelineName,
      dataset: prepared.dataset,
      destination: prepared.destination,
      onEvent,
      ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
      ...(options.leaseTtlMs === undefined ? {} : { leaseTtlMs: options.leaseTtlMs }),
      ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
    }).run(prepared.source, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.fullRefresh ? { fullRefresh: true } : {}),
      ...(options.engine ? { engine: options.engine } : {}),
    });
  } catch (error) {
    tracker.markStopped(RunCancelledError.isInstance(error) ? 'cancelled' : 'failed');
    opening.done(false);
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    opening.done();
    progress?.stop();
  }
}
