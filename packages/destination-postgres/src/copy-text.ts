import { type ColumnSchema, type Row, stringifyExactJson } from '@restsync/core';
import { CopyBytes } from './copy-bytes';

// biome-ignore lint/suspicious/noControlCharactersInRegex: Postgres cannot store U+0000, so it is escaped.
const needsEscape = /[\\\n\r\t\u0000]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: Postgres cannot store U+0000, so it is escaped.
const escapable = /[\\\n\r\t\u0000]/g;
/** The six characters a U+0000 is stored as: Postgres text and jsonb cannot hold U+0000. */
const nulText = '\\u0000';
const escapes: Record<string, string> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\u0000': `\\${nulText}`,
};
const escapeCharacter = (character: string) => escapes[character] ?? character;

/**
 * Escapes a value for the COPY text format: backslash, newline, carriage return and tab; a U+0000
 * is stored as the six characters `\u0000`.
 */
export function escapeCopyText(text: string): string {
  return needsEscape.test(text) ? text.replace(escapable, escapeCharacter) : text;
}

/** Replaces U+0000 in every string and key of a JSON value with the six characters `\u0000`. */
function withoutNul(value: unknown): unknown {
  if (typeof value === 'string')
    return value.includes('\u0000') ? value.replaceAll('\u0000', nulText) : value;
  if (Array.isArray(value)) return value.map(withoutNul);
  if (typeof value !== 'object' || value === null) return value;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    result[key.includes('\u0000') ? key.replaceAll('\u0000', nulText) : key] = withoutNul(item);
  }
  return result;
}

/**
 * JSON text for a `jsonb` field: bigints exact; a U+0000 in a string or key (which jsonb rejects)
 * becomes the six characters `\u0000`. Only a text that contains `\u0000` takes the slow path.
 */
export function jsonText(value: unknown): string {
  const text = stringifyExactJson(value);
  // JSON.stringify writes a U+0000 as `\u0000` (so does a backslash followed by `u0000`, rarely).
  return text.includes(nulText) ? stringifyExactJson(withoutNul(value)) : text;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return jsonText(value);
  return String(value);
}

/** Thrown by `encodeCopyText` with the column and row that could not be encoded. */
export class CopyEncodingError extends Error {
  constructor(
    readonly column: string,
    readonly rowIndex: number,
    options: { cause: unknown },
  ) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`column "${column}" of row ${rowIndex + 1} cannot be encoded: ${reason}`, options);
    this.name = 'CopyEncodingError';
  }
}

/** Writes one non-null value of a column into the COPY text, escaped. */
type FieldEncoder = (out: CopyBytes, value: unknown) => void;

function textField(out: CopyBytes, value: unknown): void {
  out.field(typeof value === 'string' ? value : textOf(value), escapeCopyText);
}

function numberField(out: CopyBytes, value: unknown): void {
  if (typeof value === 'number' && Number.isSafeInteger(value)) out.integer(value);
  else if (typeof value === 'number' || typeof value === 'bigint') out.text(String(value));
  else textField(out, value);
}

function boolField(out: CopyBytes, value: unknown): void {
  if (value === true) out.byte(116);
  else if (value === false) out.byte(102);
  else textField(out, value);
}

function jsonField(out: CopyBytes, value: unknown): void {
  out.field(jsonText(value), escapeCopyText);
}

function timestampField(out: CopyBytes, value: unknown): void {
  if (value instanceof Date) out.text(value.toISOString());
  else if (typeof value === 'number') out.text(new Date(value).toISOString());
  else textField(out, value);
}

const fieldEncoders: Partial<Record<ColumnSchema['type'], FieldEncoder>> = {
  bigint: numberField,
  double: numberField,
  decimal: numberField,
  bool: boolField,
  json: jsonField,
  timestamp: timestampField,
};

const tab = 9;
const newline = 10;
const backslash = 92;
const capitalN = 78;

/**
 * Encodes rows as COPY text, in UTF-8 bytes: one line per row, fields in `columns` order separated
 * by tabs, `\N` for null/undefined, booleans `t`/`f`, `json` as JSON text, Dates as ISO strings,
 * bigints exactly, a U+0000 in any text or JSON string or key as the six characters `\u0000`.
 * Each column's encoder is chosen once per call, so a value costs one property read and one call,
 * and the fields go straight into one buffer: `out`, when given, holds the text after what it
 * already holds (see `CopyBytes`).
 */
export function encodeCopyText(
  rows: readonly Row[],
  columns: readonly ColumnSchema[],
  out = new CopyBytes(rows.length * columns.length * 16),
): Buffer {
  const names = columns.map((column) => column.name);
  const encoders = columns.map((column) => fieldEncoders[column.type] ?? textField);
  const count = names.length;
  out.begin();
  let rowIndex = 0;
  let columnIndex = 0;
  try {
    for (; rowIndex < rows.length; rowIndex++) {
      const row = rows[rowIndex] as Row;
      for (columnIndex = 0; columnIndex < count; columnIndex++) {
        if (columnIndex > 0) out.byte(tab);
        const value = row[names[columnIndex] as string];
        if (value === null || value === undefined) {
          // `\N`: NULL in COPY text.
          out.byte(backslash);
          out.byte(capitalN);
        } else {
          (encoders[columnIndex] as FieldEncoder)(out, value);
        }
      }
      out.byte(newline);
    }
  } catch (error) {
    throw new CopyEncodingError(names[columnIndex] as string, rowIndex, { cause: error });
  }
  return out.take();
}
