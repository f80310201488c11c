import { DestinationError, LeaseError, RestsyncError } from '@restsync/core';
import type { ResolvedTimeouts } from './connection-options';
import { quoteIdentifier } from './identifier';

/** What an error message may say about where the destination writes. */
export interface ErrorContext {
  /** Removes every secret (the password) from a text. */
  redact(text: string): string;
  /** The redacted URL (or `pglite:<directory>`). */
  description: string;
  /** Server host and port, when connecting to a server. */
  host?: string;
  port?: string;
  /** The dataset (Postgres schema) of the session, to name tables fully. */
  dataset?: string;
  /** The timeouts in force, to say which one expired (connections the destination opens). */
  timeouts?: ResolvedTimeouts;
}

/**
 * The connection broke while COMMIT was under way: the server may or may not have committed the
 * transaction, so the work must not be repeated blindly.
 */
export class CommitOutcomeUnknownError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'CommitOutcomeUnknownError';
  }
}

const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A field of an error object (`code`, `detail`, `hint`, ...), whatever threw it. */
export function fieldOf(error: unknown, field: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[field] : undefined;
}

/** SQLSTATEs of a server going away: admin_shutdown, crash_shutdown, cannot_connect_now, idle-in-transaction timeout. */
const serverGoneCodes = new Set(['57P01', '57P02', '57P03', '25P03']);

/** Messages of `pg` and `pg-pool` for a connection that broke, or did not open in time. */
const brokenConnectionMessage =
  /Connection terminated|timeout expired|timeout exceeded when trying to connect|connect ECONN|not queryable|Query read timeout/i;

/** Messages of a connection attempt that ran out of time. */
const connectTimeoutMessage = /timeout expired|connection timeout|timeout exceeded when trying to connect/i;

/** True for failures to reach or log in to the server (network, authentication, missing database, lost connection). */
export function isConnectionError(error: unknown): boolean {
  const code = fieldOf(error, 'code');
  if (typeof code === 'string') {
    if (connectionErrorCodes.has(code) || serverGoneCodes.has(code)) return true;
    // SQLSTATE 08: connection exception; 28: invalid authorization; 3D000: database does not exist.
    if (code.startsWith('08') || code.startsWith('28') || code === '3D000') return true;
  }
  const message = error instanceof Error ? error.message : '';
  return brokenConnectionMessage.test(message);
}

/**
 * True for a connection failure that a new attempt on a fresh connection may get past (the server
 * restarting, a dropped or timed-out connection); false for a wrong host name, user, password or database.
 */
export function isTransientConnectionError(error: unknown): boolean {
  if (!isConnectionError(error)) return false;
  const code = fieldOf(error, 'code');
  if (typeof code === 'string' && (code === 'ENOTFOUND' || code.startsWith('28') || code === '3D000')) {
    return false;
  }
  return true;
}

/** Codes of a connection that could not be opened (as opposed to one that broke later). */
const connectAttemptCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  '57P03',
]);

/** True when the connection could not be opened: refused, unknown host, login failed, no such database, timed out. */
function isConnectAttemptError(error: unknown): boolean {
  const code = fieldOf(error, 'code');
  if (
    typeof code === 'string' &&
    (connectAttemptCodes.has(code) || code.startsWith('28') || code === '3D000')
  ) {
    return true;
  }
  return connectTimeoutMessage.test(errorMessage(error)) || /connect ECONN/i.test(errorMessage(error));
}

function seconds(milliseconds: number): string {
  return `${Number((milliseconds / 1000).toFixed(1))} s`;
}

/** The driver's message with its detail and hint, redacted. */
export function describeCause(error: unknown, context: ErrorContext): string {
  let text: string;
  if (error instanceof Error) {
    text = error.message || String(fieldOf(error, 'code') ?? error.name);
    const detail = fieldOf(error, 'detail');
    const hint = fieldOf(error, 'hint');
    if (typeof detail === 'string' && detail) text += ` (${detail})`;
    if (typeof hint === 'string' && hint) text += `${/[.!?]$/.test(text) ? '' : '.'} Hint: ${hint}`;
  } else {
    text = String(error);
  }
  return context.redact(text);
}

/** A DestinationError for a connection that could not be opened: says where and what to check. */
export function connectionFailed(error: unknown, context: ErrorContext): DestinationError {
  const where = context.host ? ` (host ${context.host}, port ${context.port})` : '';
  const message = error instanceof Error ? error.message : '';
  const timeout = context.timeouts?.connectTimeoutMs;
  const cause =
    timeout !== undefined && connectTimeoutMessage.test(message)
      ? `the server did not complete the connection within ${seconds(timeout)} (connectTimeoutMs)`
      : describeCause(error, context);
  return new DestinationError(
    `Could not connect to Postgres at ${context.description}${where}: ${cause}. ` +
      'Check that the server is running and reachable on that host and port, and that the user, password ' +
      'and database in the URL are right.',
    { cause: error, isRetryable: isTransientConnectionError(error) },
  );
}

/** The connection was lost (the server restarted or went away, the network dropped) during an operation. */
function connectionLost(
  error: unknown,
  context: ErrorContext,
  operation: string,
  table?: string,
): DestinationError {
  const where = context.host ? ` (host ${context.host}, port ${context.port})` : '';
  const message = error instanceof Error ? error.message : '';
  const statementTimeout = context.timeouts?.statementTimeoutMs;
  const cause =
    /Query read timeout/i.test(message) && statementTimeout !== undefined
      ? `the server did not answer within ${seconds(statementTimeout)} (statementTimeoutMs) and 10 s more`
      : describeCause(error, context);
  return new DestinationError(
    `Lost the connection to Postgres at ${context.description}${where} while trying to ${operation}: ${cause}. ` +
      'Nothing of this operation was committed; it can be retried on a new connection.',
    { cause: error, isRetryable: true, ...(table === undefined ? {} : { table }) },
  );
}

/** COMMIT was sent and the connection broke before its answer: the batch may or may not be stored. */
function commitOutcomeUnknown(error: CommitOutcomeUnknownError, context: ErrorContext, operation: string) {
  const where = context.host ? ` (host ${context.host}, port ${context.port})` : '';
  return new DestinationError(
    `Lost the connection to Postgres at ${context.description}${where} while committing (${operation}): ` +
      `${describeCause(error.cause, context)}. The server may or may not have committed it, so it is not ` +
      'retried. Run again: the rerun continues from the state stored with the last committed batch.',
    { cause: error, isRetryable: false },
  );
}

/**
 * Wraps any failure of an operation in a DestinationError naming the table and the operation.
 * A DestinationError passes through; connection failures get the connection message.
 */
export function operationFailed(
  error: unknown,
  context: ErrorContext,
  operation: string,
  table?: string,
  advice = '',
): DestinationError | LeaseError {
  // A write refused because another run took the lease over stays a LeaseError.
  if (LeaseError.isInstance(error)) return error;
  if (RestsyncError.isInstance(error) && error.code === 'destination') return error as DestinationError;
  if (error instanceof CommitOutcomeUnknownError) return commitOutcomeUnknown(error, context, operation);
  const code = fieldOf(error, 'code');
  if (code === '57014' && context.timeouts && context.timeouts.statementTimeoutMs > 0) {
    return new DestinationError(
      `Postgres cancelled a statement to ${operation} at ${context.description}: it ran longer than ` +
        `${seconds(context.timeouts.statementTimeoutMs)} (statementTimeoutMs). Raise statementTimeoutMs ` +
        '(or the URL parameter statement_timeout), or lower the batch size.',
      { cause: error, ...(table === undefined ? {} : { table }) },
    );
  }
  if (isConnectionError(error)) {
    return isConnectAttemptError(error)
      ? connectionFailed(error, context)
      : connectionLost(error, context, operation, table);
  }
  const where = table
    ? ` for table ${context.dataset ? `${context.dataset}.` : ''}${quoteIdentifier(table)}`
    : '';
  return new DestinationError(
    `Postgres failed to ${operation}${where}: ${describeCause(error, context)}.${advice ? ` ${advice}` : ''}`,
    { cause: error, table },
  );
}
