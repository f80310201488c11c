import {
  ConfigError,
  type Destination,
  type RestsyncEvent,
  runUnit,
  SecretError,
  type Source,
  type UnitJob,
  type UnitResult,
} from '@restsync/core';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import {
  type BullmqSharedOptions,
  connectionOptions,
  keyPrefix,
  runQueueName,
  unitQueueName,
} from './connection';

/** What a worker builds for a unit in its own environment: secrets come from its env, never from the job. */
export interface PreparedUnit {
  /** The source of `unitDefinition(job.definition, job.unit)`. */
  source: Source;
  destination: Destination;
}

export interface BullmqWorkerOptions extends BullmqSharedOptions {
  /** Units run at once by this worker. @default 1 */
  concurrency?: number;
  /**
   * How long a unit stays with this worker without a heartbeat before BullMQ hands it to another
   * one (BullMQ's lock; the stalled-job check runs this often). Keep it at the runs' `leaseTtlMs`.
   * @default 30_000
   */
  lockDurationMs?: number;
  /** Builds the source and destination of a unit job. A `ConfigError` or `SecretError` fails the unit without retries. */
  prepare(job: UnitJob): Promise<PreparedUnit>;
  /**
   * Runs a scheduled run (a schedule's tick) as the run's coordinator; without it the worker takes
   * no scheduled runs. Its rejection is recorded on the job (redacted by the caller).
   */
  runScheduled?(data: Record<string, unknown>, signal: AbortSignal): Promise<unknown>;
  /** Receives the events of the units this worker runs (for logs). */
  onEvent?(event: RestsyncEvent, job: UnitJob): void;
  /** Receives each unit's result when it finished (for logs). */
  onCompleted?(result: UnitResult, job: UnitJob): void;
  /** Receives a unit's failure, redacted (for logs). */
  onFailure?(message: string, job: UnitJob): void;
}

/** A running worker. */
export interface BullmqWorker {
  /**
   * Drains: takes no new unit, lets the running ones finish their work, then closes the
   * connections. A unit that cannot finish is released: BullMQ gives it to another worker, which
   * continues from its last committed batch.
   */
  close(): Promise<void>;
}

/** How often a worker reports its units' events to the process waiting for the run. */
const reportIntervalMs = 250;

/**
 * Starts a worker on the engine's queues: it runs units of work (`runUnit` from `@restsync/core`)
 * and, with `runScheduled`, the runs that schedules start.
 */
export async function startBullmqWorker(options: BullmqWorkerOptions): Promise<BullmqWorker> {
  const prefix = keyPrefix(options);
  const connection = connectionOptions(options.connection);
  const lockDuration = options.lockDurationMs ?? 30_000;
  const shared = {
    connection,
    prefix,
    lockDuration,
    stalledInterval: lockDuration,
    // A worker stopped or killed many times over still leaves the unit to the next one.
    maxStalledCount: 20,
  };
  const units = new Worker<UnitJob, UnitResult>(
    unitQueueName,
    (job, _token, signal) => processUnit(options, job, signal),
    { ...shared, concurrency: options.concurrency ?? 1 },
  );
  const runs = options.runScheduled
    ? new Worker<Record<string, unknown>>(
        runQueueName,
        async (job, _token, signal) => {
          await options.runScheduled?.(job.data, signal ?? new AbortController().signal);
        },
        { ...shared, concurrency: 1 },
      )
    : undefined;
  // Errors of the connection are retried by BullMQ; without a listener Node would treat them as fatal.
  units.on('error', () => undefined);
  runs?.on('error', () => undefined);
  await Promise.all([units.waitUntilReady(), runs?.waitUntilReady()]);
  return {
    async close() {
      await Promise.all([units.close(), runs?.close()]);
    },
  };
}

async function processUnit(
  options: BullmqWorkerOptions,
  job: Job<UnitJob, UnitResult>,
  signal: AbortSignal | undefined,
): Promise<UnitResult> {
  let prepared: PreparedUnit | undefined;
  const pending: RestsyncEvent[] = [];
  let reporting: Promise<void> = Promise.resolve();
  const report = () => {
    if (pending.length === 0) return reporting;
    const events = pending.splice(0);
    reporting = reporting.then(() => job.updateProgress({ events }).catch(() => undefined));
    return reporting;
  };
  const timer = setInterval(() => void report(), reportIntervalMs);
  try {
    prepared = await options.prepare(job.data);
    // A flow's parent (a swap after the ranges of a replace resource) reads its children's results.
    const after = job.data.unit.after?.length
      ? Object.values(await job.getChildrenValues<UnitResult>())
      : undefined;
    const result = await runUnit(job.data, {
      ...prepared,
      ...(after ? { after } : {}),
      onEvent: (event) => {
        if (event.type === 'request' || (event.type === 'log' && event.level === 'debug')) return;
        pending.push(event);
        options.onEvent?.(event, job.data);
      },
      ...(signal ? { signal } : {}),
    });
    options.onCompleted?.(result, job.data);
    return result;
  } catch (error) {
    // BullMQ stores the message and the stack in Redis: both carry only the redacted message.
    const raw = error instanceof Error ? error.message : String(error);
    const message = prepared ? prepared.source.redactor.redact(raw) : raw;
    options.onFailure?.(message, job.data);
    const failure =
      ConfigError.isInstance(error) || SecretError.isInstance(error)
        ? new UnrecoverableError(message)
        : new Error(message);
    failure.stack = `${failure.name}: ${message}`;
    throw failure;
  } finally {
    clearInterval(timer);
    await report();
  }
}
