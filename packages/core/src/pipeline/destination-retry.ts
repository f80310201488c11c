import { ExponentialBackoff, handleWhen, noJitterGenerator, retry } from 'cockatiel';
import { type DestinationSession, tableBatchRowCount } from '../contracts/destination';
import { ConfigError, DestinationError } from '../errors';
import type { EventBus } from '../events';

/** How the pipeline repeats a destination operation that failed on a lost connection. */
export interface DestinationRetryOptions {
  /** Attempts in all, the first included (1: never repeat). @default 5 */
  maxAttempts?: number;
  /** The wait before the second attempt, in milliseconds; each further wait doubles. @default 2000 */
  initialDelayMs?: number;
  /** Cap for one wait, in milliseconds. @default 16_000 */
  maxDelayMs?: number;
}

export type ResolvedDestinationRetryOptions = Required<DestinationRetryOptions>;

/** 5 attempts, waiting 2, 4, 8 and 16 s between them: a server restart of up to half a minute is ridden out. */
export const defaultDestinationRetryOptions: ResolvedDestinationRetryOptions = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 2_000,
  maxDelayMs: 16_000,
});

/** Fills in the defaults and checks the values. */
export function resolveDestinationRetryOptions(
  options: DestinationRetryOptions = {},
): ResolvedDestinationRetryOptions {
  const resolved = { ...defaultDestinationRetryOptions };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) Object.assign(resolved, { [key]: value });
  }
  const issues = [];
  if (!Number.isInteger(resolved.maxAttempts) || resolved.maxAttempts < 1) {
    issues.push({
      path: 'destinationRetry.maxAttempts',
      message: `must be a whole number >= 1, got ${resolved.maxAttempts}`,
    });
  }
  for (const field of ['initialDelayMs', 'maxDelayMs'] as const) {
    if (!(Number.isFinite(resolved[field]) && resolved[field] >= 0)) {
      issues.push({
        path: `destinationRetry.${field}`,
        message: `must be a number >= 0, got ${resolved[field]}`,
      });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return resolved;
}

function isRetryableDestinationError(error: Error): boolean {
  return DestinationError.isInstance(error) && error.isRetryable;
}

/**
 * Runs a destination operation, repeating it while it fails with a retryable `DestinationError`
 * (a lost connection: the destination opens a fresh one for the next attempt), with exponential
 * backoff, at most `maxAttempts` times. Only operations that are atomic or replay-safe go through
 * here (a batch with its state, a resource completion, a load record): a destination marks an error
 * retryable only when nothing of the operation was committed. Every repeat emits a
 * `destination_retry` event. The last error is thrown as it is; once `signal` aborts, the attempt under way is the last.
 */
export async function withDestinationRetry<Result>(
  operation: string,
  work: () => Promise<Result>,
  context: { events: EventBus; options: ResolvedDestinationRetryOptions; signal?: AbortSignal | undefined },
): Promise<Result> {
  const { options, events } = context;
  if (options.maxAttempts <= 1) return work();
  const policy = retry(handleWhen(isRetryableDestinationError), {
    maxAttempts: options.maxAttempts - 1,
    backoff: new ExponentialBackoff({
      generator: noJitterGenerator,
      initialDelay: options.initialDelayMs,
      maxDelay: options.maxDelayMs,
    }),
  });
  const listener = policy.onRetry((event) => {
    events.emit({
      type: 'destination_retry',
      operation,
      attempt: event.attempt,
      reason: 'error' in event ? event.error.message : String(event.value),
      delayMs: event.delay,
    });
  });
  try {
    return await policy.execute(() => work(), context.signal);
  } finally {
    listener.dispose();
  }
}

/**
 * The session with every operation going through `withDestinationRetry` (`acquireLease` only when the
 * session has it), except recording a failed
 * load (the run is already failing; its record is best effort, and a later run marks a record left
 * `running` as `abandoned`) and `close`.
 */
export function retryingSession(
  session: DestinationSession,
  context: { events: EventBus; options: ResolvedDestinationRetryOptions; signal?: AbortSignal | undefined },
): DestinationSession {
  const retried = <Result>(operation: string, work: () => Promise<Result>) =>
    withDestinationRetry(operation, work, context);
  const { acquireLease } = session;
  return {
    // A repeat after a lost connection is safe: the same run id re-acquires a lease it already holds.
    ...(acquireLease === undefined
      ? {}
      : {
          acquireLease: (request) => retried('acquire the lease', () => acquireLease.call(session, request)),
        }),
    readSchema: () => retried('read the stored schema', () => session.readSchema()),
    readState: (resource) =>
      retried(`read the state of resource "${resource}"`, () => session.readState(resource)),
    startLoad: (load) => retried('record the start of the load', () => session.startLoad(load)),
    // Synchronous and local (no connection): nothing to retry.
    ...(session.encodeRows === undefined
      ? {}
      : { encodeRows: (table, rows) => session.encodeRows?.(table, rows) }),
    write: (batch) => {
      const rows = batch.tables.reduce((sum, table) => sum + tableBatchRowCount(table), 0);
      return retried(`write a batch of ${rows} rows`, () => session.write(batch));
    },
    completeResource: (completion) =>
      retried(`complete resource "${completion.resource}"`, () => session.completeResource(completion)),
    finishLoad: (load) =>
      load.status === 'failed'
        ? session.finishLoad(load)
        : retried(`record the end of the load (${load.status})`, () => session.finishLoad(load)),
    close: () => session.close(),
  };
}
