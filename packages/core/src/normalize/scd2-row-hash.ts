import { hash } from 'node:crypto';
import type { Row } from '../contracts/schema';

const hashLength = 32;

/**
 * A value as JSON text with object keys sorted and null fields left out, so key order and a field
 * added later (null in older records) do not change it. Dates are ISO strings, bigints `<digits>n`.
 */
export function scd2ValueText(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'bigint') return `${String(value)}n`;
  if (Array.isArray(value)) return `[${value.map(scd2ValueText).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== null && item !== undefined)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${scd2ValueText(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The data of a row as text: keys sorted, without `_restsync_` system columns and null values. */
function rowDataText(row: Row): string {
  const keys = Object.keys(row)
    .filter((key) => !key.startsWith('_restsync_') && row[key] !== null && row[key] !== undefined)
    .sort();
  let text = '';
  for (const key of keys) text += `${JSON.stringify(key)}:${scd2ValueText(row[key])},`;
  return text;
}

/**
 * A child row's part of its root row's hash (flattened destinations): `path` places the row in
 * its record, e.g. `/orders__items[0]`, nested lists appending their own `/<table>[<index>]`.
 */
export function scd2ChildPart(path: string, row: Row): string {
  return `${path}=${rowDataText(row)}`;
}

/**
 * The version of an `scd2` record without `row_version_column_name`, stored in
 * `_restsync_row_hash`: a hash of the root row's data and of its child rows' parts (in any order),
 * with system columns and null values left out, so a new nullable column does not make every
 * record a new version. Every destination computes it here, so a record versions the same way
 * wherever it is loaded. The format is fixed: a change would open a new version of every stored
 * record at its next load.
 */
export function scd2RowHash(row: Row, childParts: readonly string[] = []): string {
  const text = `${rowDataText(row)}\u0000${[...childParts].sort().join('\u0000')}`;
  return hash('sha1', text, 'hex').slice(0, hashLength);
}
