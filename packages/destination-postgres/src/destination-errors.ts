import { DestinationError, RestsyncError } from '@restsync/core';
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

function fieldOf(error: unknown, field: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[field] : undefined;
}

/** True for failures to reach or log in to the server (network, authentication, missing database). */
export function isConnectionError(error: unknown): boolean {
  const code = fieldOf(error, 'code');
  if (typeof code === 'string') {
    if (connectionErrorCodes.has(code)) return true;
    // SQLSTATE 08: connection exception; 28: invalid authorization; 3D000: database does not exist.
    if (code.startsWith('08') || code.startsWith('28') || code === '3D000' || code === '57P03') return true;
  }
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout expired|connect ECONN/i.test(message);
}

/** The driver's message with its detail and hint, redacted. */
export function describeCause(error: unknown, context: ErrorContext): string {
  let text: string;
  if (error instanceof Error) {
    text = error.message || String(fieldOf(error, 'code') ?? error.name);
    const detail = fieldOf(error, 'detail');
    const hint = fieldOf(error, 'hint');
    if (typeof detail === 'string' && detail) text += ` (${detail})`;
    if (typeof hint === 'string' && hint) text += ` Hint: ${hint}`;
  } else {
    text = String(error);
  }
  return context.redact(text);
}

/** A DestinationError for a connection that could not be opened: says where and what to check. */
export function connectionFailed(error: unknown, context: ErrorContext): DestinationError {
  const where = context.host ? ` (host ${context.host}, port ${context.port})` : '';
  return new DestinationError(
    `Could not connect to Postgres at ${context.description}${where}: ${describeCause(error, context)}. ` +
      'Check that the server is running and reachable on that host and port, and that the user, password ' +
      'and database in the URL are right.',
    { cause: error, isRetryable: true },
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
): DestinationError {
  if (RestsyncError.isInstance(error) && error.code === 'destination') return error as DestinationError;
  if (isConnectionError(error)) return connectionFailed(error, context);
  const where = table
    ? ` for table ${context.dataset ? `${context.dataset}.` : ''}${quoteIdentifier(table)}`
    : '';
  return new DestinationError(
    `Postgres failed to ${operation}${where}: ${describeCause(error, context)}.${advice ? ` ${advice}` : ''}`,
    { cause: error, table },
  );
}
