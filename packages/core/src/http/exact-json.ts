import { randomBytes } from 'node:crypto';

/**
 * Whether the text holds a number token of 16 or more digits where JSON allows a value to start
 * (after `:`, `[`, `,` or at the start, then JSON whitespace and an optional `-`). Every integer
 * with 15 digits or fewer is exact as a JS number, so a text without such a token parses exactly
 * with `JSON.parse`. A match inside a string only costs the slow path.
 *
 * Every page body passes here, so it reads one character in 16: a run of 16 digits covers one of
 * them, and only a digit found there is looked at more closely (about 4 × faster than a regex).
 */
export function hasLongNumberToken(text: string): boolean {
  const length = text.length;
  for (let probe = 15; probe < length; probe += 16) {
    if (!isDigit(text.charCodeAt(probe))) continue;
    let start = probe;
    while (start > 0 && isDigit(text.charCodeAt(start - 1))) start -= 1;
    let end = probe + 1;
    while (end < length && isDigit(text.charCodeAt(end))) end += 1;
    if (end - start >= 16 && startsValue(text, start)) return true;
    // The run was read whole: the next probe is the first one after it.
    while (probe + 16 < end) probe += 16;
  }
  return false;
}

/** Whether the digits at `index` start a JSON value: `-` and whitespace back to `:`, `,`, `[` or the start. */
function startsValue(text: string, index: number): boolean {
  let before = index - 1;
  if (before >= 0 && text.charCodeAt(before) === 45) before -= 1;
  while (before >= 0 && isJsonWhitespace(text.charCodeAt(before))) before -= 1;
  if (before < 0) return true;
  const code = text.charCodeAt(before);
  return code === 58 || code === 44 || code === 91;
}

function isJsonWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/**
 * Parses JSON text like `JSON.parse`, except that an integer a JS number cannot hold exactly
 * (beyond ±(2^53 − 1)) becomes a JS `bigint` with its exact value. Fast path: a text without a
 * number token of 16+ digits is `JSON.parse(text)` and nothing more. Slow path (only for such a
 * text): the unsafe integer tokens are found by a scan that skips strings, rewritten as marked
 * strings, and turned into bigints by a reviver. Object keys, duplicate keys and errors behave as
 * in `JSON.parse`. Throws the `SyntaxError` of `JSON.parse` for text that is not JSON.
 *
 * @example parseExactJson('{"id": 9007199254740993}') // { id: 9007199254740993n }
 */
export function parseExactJson(text: string): unknown {
  if (!hasLongNumberToken(text)) return JSON.parse(text);
  const marker = `restsync-bigint-${randomBytes(8).toString('hex')}:`;
  const rewritten = markUnsafeIntegers(text, marker);
  if (rewritten === undefined) return JSON.parse(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(rewritten, (_key, value: unknown) =>
      typeof value === 'string' && value.startsWith(marker) ? BigInt(value.slice(marker.length)) : value,
    );
  } catch {
    // The original text reports the error at its own positions.
    return JSON.parse(text);
  }
  return parsed;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Wraps every integer token outside strings that is not a safe integer in a string starting with
 * `marker`; undefined when there is none (a long number inside a string, or a long fraction).
 */
function markUnsafeIntegers(text: string, marker: string): string | undefined {
  let result = '';
  let copiedUpTo = 0;
  let index = 0;
  const length = text.length;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (code === 34) {
      index = skipString(text, index + 1);
      continue;
    }
    if (code !== 45 && !isDigit(code)) {
      index += 1;
      continue;
    }
    const start = index;
    index += 1;
    let integer = true;
    while (index < length) {
      const next = text.charCodeAt(index);
      if (isDigit(next)) index += 1;
      else if (next === 46 || next === 101 || next === 69 || next === 43 || next === 45) {
        integer = false;
        index += 1;
      } else break;
    }
    if (!integer || index - start < 16) continue;
    const token = text.slice(start, index);
    // A leading zero is not JSON: leave it for JSON.parse to reject.
    if (token.charCodeAt(token.charCodeAt(0) === 45 ? 1 : 0) === 48) continue;
    if (Number.isSafeInteger(Number(token))) continue;
    result += `${text.slice(copiedUpTo, start)}"${marker}${token}"`;
    copiedUpTo = index;
  }
  if (copiedUpTo === 0) return undefined;
  return result + text.slice(copiedUpTo);
}

/** The index after the closing quote of a string whose content starts at `index`. */
function skipString(text: string, index: number): number {
  const length = text.length;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (code === 92) index += 2;
    else if (code === 34) return index + 1;
    else index += 1;
  }
  return length;
}

/**
 * Serializes a value as JSON like `JSON.stringify`, except that a JS `bigint` is written as its
 * exact integer digits (where `JSON.stringify` throws). Values without a bigint take the plain
 * `JSON.stringify` path.
 *
 * @example stringifyExactJson({ id: 9007199254740993n }) // '{"id":9007199254740993}'
 */
export function stringifyExactJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError) || !/bigint/i.test(error.message)) throw error;
  }
  const marker = `restsync-bigint-${randomBytes(8).toString('hex')}:`;
  const text = JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? `${marker}${item}` : item,
  );
  return text.replace(new RegExp(`"${marker}(-?\\d+)"`, 'g'), '$1');
}
