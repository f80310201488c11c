import { DestinationError, type Redactor } from '@restsync/core';
import { MongoBulkWriteError, MongoError, MongoNetworkError, MongoServerSelectionError } from 'mongodb';

/** Where a driver call failed, for the message. */
export interface FailureContext {
  /** What was being done, e.g. `writing rows`. */
  action: string;
  /** `database.collection`, when the failure concerns one collection. */
  namespace?: string;
  /** The table name reported on the error. */
  table?: string;
}

const urlCredentials = /(mongodb(?:\+srv)?:\/\/[^:/@\s]*):[^@/\s]*@/gi;

/** Wraps a driver failure in a `DestinationError` whose message names the collection and holds no password. */
export function toDestinationError(
  error: unknown,
  context: FailureContext,
  redactor: Redactor,
): DestinationError {
  if (DestinationError.isInstance(error)) return error as DestinationError;
  const where = context.namespace ? ` on collection "${context.namespace}"` : '';
  const detail = redactor.redact(describe(error).replace(urlCredentials, '$1:***@'));
  return new DestinationError(
    `MongoDB destination: ${context.action}${where} failed: ${detail}${hint(error)}`,
    {
      cause: error,
      isRetryable: isRetryable(error),
      ...(context.table ? { table: context.table } : {}),
    },
  );
}

function describe(error: unknown): string {
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    const first = writeErrors[0];
    if (first) {
      const count = writeErrors.length === 1 ? '1 document was' : `${writeErrors.length} documents were`;
      return `${count} rejected (first: ${first.errmsg ?? error.message})`;
    }
  }
  return error instanceof Error ? error.message : String(error);
}

function hint(error: unknown): string {
  if (error instanceof MongoServerSelectionError || error instanceof MongoNetworkError) {
    return (
      '. Check that the server is running and reachable at this URL. The wait is bounded by ' +
      'serverSelectionTimeoutMs and connectTimeoutMs (default 5 s each; in the URL: ' +
      '?serverSelectionTimeoutMS=15000&connectTimeoutMS=15000 to wait longer); the run can be retried.'
    );
  }
  return '';
}

function isRetryable(error: unknown): boolean {
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError) return true;
  return (
    error instanceof MongoError &&
    (error.hasErrorLabel('RetryableWriteError') || error.hasErrorLabel('TransientTransactionError'))
  );
}
