import type { LeaseHolder } from './contracts/destination';
import { committedText, type RunResult } from './pipeline/run-result';

/** Marks an instance with the marker of its class and of every ancestor class. */
function markInstance(instance: object, errorClass: object): void {
  for (let current = errorClass; current !== Function.prototype; current = Object.getPrototypeOf(current)) {
    if (Object.hasOwn(current, 'marker')) {
      (instance as Record<symbol, unknown>)[(current as { marker: symbol }).marker] = true;
    }
  }
}

/** Stable machine-readable error codes. */
export type RestsyncErrorCode =
  | 'config'
  | 'secret'
  | 'http'
  | 'auth'
  | 'rate_limit'
  | 'response'
  | 'pagination'
  | 'schema'
  | 'destination'
  | 'lease'
  | 'cancelled';

export interface RestsyncErrorOptions {
  cause?: unknown;
}

/**
 * Base class of every error restsync throws. Use `RestsyncError.isInstance(error)` rather than
 * `instanceof`: it works across duplicate copies of the package.
 */
export class RestsyncError extends Error {
  /**
   * This class's `Symbol.for` marker. Every subclass declares its own, so `isInstance` answers
   * only for the class and its subclasses, across duplicate copies of the package.
   */
  static readonly marker: symbol = Symbol.for('restsync.error');
  readonly code: RestsyncErrorCode;
  /** Whether repeating the same operation may succeed. */
  readonly isRetryable: boolean;

  constructor(
    code: RestsyncErrorCode,
    message: string,
    options: RestsyncErrorOptions & { isRetryable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    markInstance(this, new.target);
    this.name = 'RestsyncError';
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
  }

  /** Whether `error` is an instance of this class (or a subclass), from any copy of the package. */
  static isInstance<T extends abstract new (...args: never[]) => RestsyncError>(
    this: T & { marker: symbol },
    error: unknown,
  ): error is InstanceType<T> {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class isInstance is called on, so each subclass checks its own marker.
    const classMarker = this.marker;
    return (
      typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[classMarker] === true
    );
  }
}

/** One problem found in a config, with the path to the offending value. */
export interface ConfigIssue {
  /** Path in the config, e.g. `resources[0].endpoint.paginator.limit`. */
  path: string;
  message: string;
}

/** The config is wrong. Lists every problem found, each with its path. Thrown before any request. */
export class ConfigError extends RestsyncError {
  static override readonly marker: symbol = Symbol.for('restsync.error.config');
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[], options: RestsyncErrorOptions = {}) {
    const lines = issues.map((issue) => `  - ${issue.path ? `${issue.path}: ` : ''}${issue.message}`);
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super('config', `Invalid restsync config (${count}):\n${lines.join('\n')}`, options);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** A secret could not be resolved. The message lists every place that was looked at. */
export class SecretError extends RestsyncError {
  static override readonly marker: symbol = Symbol.for('restsync.error.secret');
  readonly secretName: string;
  readonly searched: string[];

  constructor(secretName: string, searched: string[], options: RestsyncErrorOptions = {}) {
    super(
      'secret',
      `Secret "${secretName}" was not found. Looked in: ${searched.join('; ')}. ` +
        `Set the environment variable or add it to the .env file.`,
      options,
    );
    this.name = 'SecretError';
    this.secretName = secretName;
    this.searched = searched;
  }
}

/** Context every HTTP failure carries. URLs are always redacted. */
export interface HttpErrorDetails {
  resource: string;
  method: string;
  /** The request URL with secrets redacted. */
  url: string;
  /** HTTP status, or undefined for a transport failure. */
  status?: number;
  /** How many attempts were made, including the first. */
  attempts: number;
  /** The response body, truncated and redacted. */
  body?: string;
}

function describeHttp(details: HttpErrorDetails): string {
  const status = details.status === undefined ? 'no response' : `HTTP ${details.status}`;
  const attempts = details.attempts === 1 ? '1 attempt' : `${details.attempts} attempts`;
  const body = details.body ? `: ${details.body}` : '';
  return `resource "${details.resource}": ${details.method} ${details.url} failed with ${status} after ${attempts}${body}`;
}

/** An HTTP request failed (a non-success status, or a transport error after all retries). */
export class HttpError extends RestsyncError {
  static override readonly marker: symbol = Symbol.for('restsync.error.http');
  readonly details: HttpErrorDetails;

  constructor(
    details: HttpErrorDetails,
    options: RestsyncErrorOptions & {
      isRetryable?: boolean;
      code?: RestsyncErrorCode;
      message?: string;
    } = {},
  ) {
    super(options.code ?? 'http', options.message ?? describeHttp(details), options);
    this.name = 'HttpError';
    this.details = details;
  }

  get status(): number | undefined {
    return this.details.status;
  }

  get attempts(): number {
    return this.details.attempts;
  }
}

/** The API rejected the credentials (401/403). Never retried. */
export class AuthError extends HttpError {
  static override readonly marker: symbol = Symbol.for('restsync.error.auth');
  constructor(details: HttpErrorDetails, options: RestsyncErrorOptions = {}) {
    super(details, {
      ...options,
      code: 'auth',
      message: `${describeHttp(details)}. Check the credentials configured for this API.`,
    });
    this.name = 'AuthError';
  }
}

/** The API asked us to wait longer than `maxRetryDelay`, or kept rate-limiting after all retries. */
export class RateLimitError extends HttpError {
  static override readonly marker: symbol = Symbol.for('restsync.error.rate_limit');
  /** The wait the API asked for, in milliseconds, when known. */
  readonly waitMs: number | undefined;

  constructor(
    details: HttpErrorDetails,
    waitMs: number | undefined,
    message: string,
    options: RestsyncErrorOptions = {},
  ) {
    super(details, { ...options, code: 'rate_limit', message });
    this.name = 'RateLimitError';
    this.waitMs = waitMs;
  }
}

/** The response could not be used: malformed JSON, a data selector that matches nothing, a record without its primary key. */
export class ResponseError extends RestsyncError {
  static override readonly marker: symbol = Symbol.for('restsync.error.response');
  constructor(message: string, options: RestsyncErrorOptions & { isRetryable?: boolean } = {}) {
    super('response', message, options);
    this.name = 'ResponseError';
  }
}

/** The pagination went wrong: a loop (same next request twice) or an impossible state. */
export class PaginationError extends RestsyncError {
  static override readonly marker: symbol = Symbol.for('restsync.error.pagination');
  constructor(message: string, options: RestsyncErrorOptions = {}) {
    super('pagination', message, options);
    this.name = 'PaginationError';
  }
}

/** Data cannot be mapped to the schema. */
export class SchemaError extends RestsyncError {
  static override readonly marker: symbol = Symbol.for('restsync.error.schema');
  constructor(message: string, options: RestsyncErrorOptions = {}) {
    super('schema', message, options);
    this.name = 'SchemaError';
  }
}

/** The destination failed (connection, SQL). The message names the table; it never contains a password. */
export class DestinationError extends RestsyncError {
  static override readonly marker: symbol = Symbol.for('restsync.error.destination');
  readonly table: string | undefined;

  constructor(
    message: string,
    options: RestsyncErrorOptions & { table?: string; isRetryable?: boolean } = {},
  ) {
    super('destination', message, options);
    this.name = 'DestinationError';
    this.table = options.table;
  }
}

/**
 * Another run holds the lease of the pipeline and dataset (one active run per pipeline and dataset),
 * or took it over from this run (a write after that is refused: fencing). The message names the
 * pipeline and the holder (host, pid, started at). Not retryable as such: wait for the other run
 * (`lockTimeoutMs`, the CLI's `--wait`), or for its lease to expire if its process is gone.
 */
export class LeaseError extends RestsyncError {
  static override readonly marker: symbol = Symbol.for('restsync.error.lease');
  readonly pipeline: string;
  readonly dataset: string;
  /** The lease as stored when the error was raised, when known. */
  readonly holder: LeaseHolder | undefined;

  constructor(
    message: string,
    details: { pipeline: string; dataset: string; holder?: LeaseHolder },
    options: RestsyncErrorOptions = {},
  ) {
    super('lease', message, options);
    this.name = 'LeaseError';
    this.pipeline = details.pipeline;
    this.dataset = details.dataset;
    this.holder = details.holder;
  }
}

/** `host <host>, pid <pid>, run <runId>, started at <startedAt>`: who holds a lease, for messages. */
export function describeLeaseHolder(holder: LeaseHolder): string {
  const { owner } = holder;
  return `host ${owner.host}, pid ${owner.pid}, run ${owner.runId}, started at ${owner.startedAt}`;
}

/**
 * The error a destination throws when a write carries a lease version that is no longer the stored
 * one: another run took the lease over (this run's lease had expired), so this run must stop writing.
 */
export function leaseTakenOverError(details: {
  pipeline: string;
  dataset: string;
  /** The version this run held. */
  version: number;
  /** The lease as stored now, when known. */
  holder?: LeaseHolder;
}): LeaseError {
  const by = details.holder ? ` by another run (${describeLeaseHolder(details.holder)})` : '';
  return new LeaseError(
    `The lease of pipeline "${details.pipeline}" on dataset "${details.dataset}" was taken over${by}: ` +
      `this run's lease (version ${details.version}) expired before it was renewed, so it stops without writing. ` +
      'Its committed batches are kept; the run holding the lease continues.',
    details,
  );
}

/**
 * The run was cancelled through its `AbortSignal` (e.g. Ctrl-C). Not a success: `result` says
 * exactly what this run committed (batches, rows per table); the load is recorded as `cancelled`
 * and the next run resumes after the last committed batch.
 */
export class RunCancelledError extends RestsyncError {
  static override readonly marker: symbol = Symbol.for('restsync.error.cancelled');
  /** What the run committed before it stopped (`status: 'cancelled'`). */
  readonly result: RunResult;

  constructor(result: RunResult, reason: string, options: RestsyncErrorOptions = {}) {
    super(
      'cancelled',
      `Pipeline "${result.pipeline}" was cancelled (${reason}): ${committedText(result)}.`,
      options,
    );
    this.name = 'RunCancelledError';
    this.result = result;
  }
}
