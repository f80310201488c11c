import { ResponseError } from '../errors';
import type { Redactor } from '../redact';
import { parseExactJson } from './exact-json';
import { redactError } from './redact-error';

/** Redacts `text` first (so a secret is never cut in half), collapses whitespace, then truncates. */
export function bodySnippet(text: string, redactor: Redactor, maxLength: number): string {
  const clean = redactor.redact(text).replace(/\s+/g, ' ').trim();
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}

/** Where a body came from, for the error message. The URL must already be redacted. */
export interface BodySource {
  resource: string;
  method: string;
  url: string;
  status: number;
  contentType: string | null;
}

/**
 * Parses a complete response body as JSON, integers beyond ±(2^53 − 1) as exact JS bigints (see
 * `parseExactJson`): an empty body is `undefined`; anything that is not JSON
 * is a `ResponseError` (not retryable: the same request would get the same body) with a short,
 * redacted snippet of what came back.
 */
export function parseJsonBody(text: string, source: BodySource, redactor: Redactor): unknown {
  if (text.trim() === '') return undefined;
  try {
    return parseExactJson(text);
  } catch (error) {
    const contentType = source.contentType ? `, content-type ${source.contentType}` : '';
    throw new ResponseError(
      `resource "${source.resource}": ${source.method} ${source.url} returned HTTP ${source.status}` +
        `${contentType} with a body that is not valid JSON: "${bodySnippet(text, redactor, 200)}". ` +
        'Check the endpoint path and that the API answers with JSON.',
      { cause: redactError(error, redactor) },
    );
  }
}

/** Like `parseJsonBody`, but a body that is not JSON is returned as text (for ignored responses). */
export function parseBodyLoosely(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return parseExactJson(text);
  } catch {
    return text;
  }
}
