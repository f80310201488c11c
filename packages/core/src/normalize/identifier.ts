import { hash } from 'node:crypto';
import { ConfigError } from '../errors';

/** Default identifier length limit in bytes (Postgres: 63). */
export const defaultMaxIdentifierLength = 63;

/** The smallest identifier length limit the normalizer accepts (a prefix plus `_` and an 8-hex hash). */
export const minimumMaxIdentifierLength = 16;

const hashLength = 8;
const combiningMarks = /[\u0300-\u036f]/g;
const lowerBeforeUpper = /([a-z0-9])([A-Z])/g;
const acronymBeforeWord = /([A-Z]{2,})([A-Z][a-z])/g;
const illegalCharacters = /[^a-z0-9_]+/g;
const repeatedUnderscores = /_{2,}/g;
const trailingUnderscores = /_+$/;
const alreadySafe = /^[a-z_][a-z0-9_]*$/;

/** A short, stable hash (8 hex characters) of a name. */
export function shortHash(text: string): string {
  return hash('sha1', text, 'hex').slice(0, hashLength);
}

/**
 * Normalizes one field or resource name to a snake_case segment without a length limit:
 * `userId` → `user_id`, `user-id` → `user_id`, `a.b` → `a_b`, `1st` → `_1st`, accents dropped
 * (`prénom` → `prenom`), every other character outside `a-z0-9_` → `_`, repeated `_` collapsed and
 * trailing `_` dropped, so a segment never contains `__` (the nesting separator). A name with no
 * usable character at all becomes `_` plus a hash of the name.
 */
export function normalizeSegment(name: string): string {
  if (alreadySafe.test(name) && !name.includes('__') && !name.endsWith('_')) return name;
  const segment = name
    .trim()
    .normalize('NFKD')
    .replace(combiningMarks, '')
    .replace(acronymBeforeWord, '$1_$2')
    .replace(lowerBeforeUpper, '$1_$2')
    .toLowerCase()
    .replace(illegalCharacters, '_')
    .replace(repeatedUnderscores, '_')
    .replace(trailingUnderscores, '');
  if (segment === '') return `_${shortHash(name)}`;
  const first = segment.charCodeAt(0);
  return first >= 48 && first <= 57 ? `_${segment}` : segment;
}

/**
 * Fits an identifier made of normalized segments into `maxLength` bytes: a longer one keeps a
 * prefix and ends with `_` and a hash of the full identifier, so distinct long names stay distinct.
 * The input is ASCII (normalized), so characters and bytes are the same.
 */
export function fitIdentifier(identifier: string, maxLength: number = defaultMaxIdentifierLength): string {
  if (identifier.length <= maxLength) return identifier;
  const prefix = identifier.slice(0, maxLength - hashLength - 1).replace(trailingUnderscores, '');
  return `${prefix}_${shortHash(identifier)}`;
}

/**
 * Normalizes a name to a destination-safe identifier: snake_case, only `a-z0-9_`, never starting
 * with a digit, never containing `__`, at most `maxLength` bytes (longer names are truncated and
 * end with a hash of the full name). Reserved words such as `select` stay as they are:
 * destinations always quote identifiers.
 *
 * @example normalizeIdentifier('userId') // 'user_id'
 */
export function normalizeIdentifier(name: string, maxLength: number = defaultMaxIdentifierLength): string {
  assertMaxIdentifierLength(maxLength);
  return fitIdentifier(normalizeSegment(name), maxLength);
}

/** Throws a `ConfigError` when an identifier length limit is too small to hold a prefix and a hash. */
export function assertMaxIdentifierLength(maxLength: number): void {
  if (!Number.isInteger(maxLength) || maxLength < minimumMaxIdentifierLength) {
    throw new ConfigError([
      {
        path: 'maxIdentifierLength',
        message: `expected an integer of at least ${minimumMaxIdentifierLength} bytes, got ${maxLength}`,
      },
    ]);
  }
}
