import type { Redactor } from '../redact';

/**
 * Returns a copy of an error chain that is safe to attach as `cause`: every message and stack is
 * redacted (a low-level error may quote a URL with a key in it), `name` and `code` are kept.
 */
export function redactError(error: unknown, redactor: Redactor, depth = 0): Error {
  if (!(error instanceof Error)) return new Error(redactor.redact(String(error)));
  const copy = new Error(
    redactor.redact(error.message),
    error.cause !== undefined && depth < 8
      ? { cause: redactError(error.cause, redactor, depth + 1) }
      : undefined,
  );
  copy.name = error.name;
  copy.stack = error.stack === undefined ? undefined : redactor.redact(error.stack);
  const code = (error as Error & { code?: unknown }).code;
  if (code !== undefined) Object.assign(copy, { code });
  return copy;
}
