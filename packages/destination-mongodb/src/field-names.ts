/**
 * MongoDB refuses (or misreads) field names that start with `$`, contain `.`, or contain a NUL
 * byte. Records from an API can have any of them, so names are escaped with look-alike
 * characters instead of failing a sync halfway:
 *
 * - a leading `$` → `＄` (U+FF04 FULLWIDTH DOLLAR SIGN); a `$` elsewhere is legal and kept;
 * - every `.` → `．` (U+FF0E FULLWIDTH FULL STOP);
 * - every NUL → `␀` (U+2400 SYMBOL FOR NULL).
 *
 * The rule applies recursively, in nested objects and inside arrays. A name that already uses
 * one of the look-alikes reads back as the escaped character (the mapping is not injective).
 */
const fullwidthDollar = '\uFF04';
const fullwidthStop = '\uFF0E';
const nullSymbol = '\u2400';

export function escapeFieldName(name: string): string {
  let escaped = name;
  if (escaped.includes('.')) escaped = escaped.replaceAll('.', fullwidthStop);
  if (escaped.includes('\u0000')) escaped = escaped.replaceAll('\u0000', nullSymbol);
  if (escaped.startsWith('$')) escaped = fullwidthDollar + escaped.slice(1);
  return escaped;
}

/** Reverses `escapeFieldName` (used for state, which must read back exactly as written). */
export function unescapeFieldName(name: string): string {
  let unescaped = name;
  if (unescaped.startsWith(fullwidthDollar)) unescaped = `$${unescaped.slice(1)}`;
  return unescaped.replaceAll(fullwidthStop, '.').replaceAll(nullSymbol, '\u0000');
}

/**
 * Applies `rename` to every key of every plain object in `value`, recursively; undefined values
 * are dropped. Throws a `TypeError` on a circular reference (which no store can hold).
 */
export function renameKeysDeep(
  value: unknown,
  rename: (name: string) => string,
  ancestors: Set<object> = new Set(),
): unknown {
  if (!Array.isArray(value) && !isPlainObject(value)) return value;
  if (ancestors.has(value)) throw new TypeError('the value contains a circular reference');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => renameKeysDeep(item, rename, ancestors));
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) result[rename(key)] = renameKeysDeep(item, rename, ancestors);
    }
    return result;
  } finally {
    ancestors.delete(value);
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
