import { createHash } from 'node:crypto';
import { DestinationError } from '@restsync/core';

/** Postgres truncates longer identifiers silently; we refuse them instead. */
export const maxIdentifierBytes = 63;

/** Quotes an identifier for SQL: wraps it in double quotes and doubles every double quote inside. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."table"`, both parts quoted. */
export function qualifiedName(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}

/** Throws a DestinationError when a name cannot be a Postgres identifier as is (empty, NUL, > 63 bytes). */
export function assertIdentifier(name: string, what: string): void {
  if (name.length === 0) {
    throw new DestinationError(`The ${what} name is empty. Give every table and column a name.`);
  }
  if (name.includes('\u0000')) {
    throw new DestinationError(
      `The ${what} name "${name.replaceAll('\u0000', '\\0')}" contains a NUL character.`,
    );
  }
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > maxIdentifierBytes) {
    throw new DestinationError(
      `The ${what} name "${name}" is ${bytes} bytes long; Postgres allows ${maxIdentifierBytes}. ` +
        'Shorten it (the normalizer shortens names it derives itself).',
      { table: what === 'table' ? name : undefined },
    );
  }
}

/**
 * Derives an identifier that fits in 63 bytes: `name` unchanged when it fits, otherwise its longest
 * prefix that fits with `_` and 8 hex characters of its SHA-1 (deterministic, collision-resistant).
 */
export function fitIdentifier(name: string): string {
  if (Buffer.byteLength(name, 'utf8') <= maxIdentifierBytes) return name;
  const hash = createHash('sha1').update(name).digest('hex').slice(0, 8);
  let prefix = '';
  let prefixBytes = 0;
  for (const character of name) {
    const size = Buffer.byteLength(character, 'utf8');
    if (prefixBytes + size > maxIdentifierBytes - hash.length - 1) break;
    prefix += character;
    prefixBytes += size;
  }
  return `${prefix}_${hash}`;
}
