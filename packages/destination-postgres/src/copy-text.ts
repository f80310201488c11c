import type { ColumnSchema, Row } from '@restsync/core';

const nullField = '\\N';
const needsEscape = /[\\\n\r\t]/;
const escapable = /[\\\n\r\t]/g;
const escapes: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const escapeCharacter = (character: string) => escapes[character] ?? character;

/** Escapes a value for the COPY text format: backslash, newline, carriage return and tab. */
export function escapeCopyText(text: string): string {
  return needsEscape.test(text) ? text.replace(escapable, escapeCharacter) : text;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
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

/**
 * Encodes rows as COPY text: one line per row, fields in `columns` order separated by tabs,
 * `\N` for null/undefined, booleans `t`/`f`, `json` as JSON text, Dates as ISO strings.
 * One switch per value, one join per batch.
 */
export function encodeCopyText(rows: readonly Row[], columns: readonly ColumnSchema[]): string {
  const names = columns.map((column) => column.name);
  const types = columns.map((column) => column.type);
  const count = names.length;
  const lines = new Array<string>(rows.length + 1);
  for (let rowIndex = 0; rowIndex < rows.length; rowIndex++) {
    const row = rows[rowIndex] as Row;
    let line = '';
    for (let columnIndex = 0; columnIndex < count; columnIndex++) {
      const value = row[names[columnIndex] as string];
      let field: string;
      if (value === null || value === undefined) {
        field = nullField;
      } else {
        try {
          switch (types[columnIndex]) {
            case 'bigint':
            case 'double':
            case 'decimal':
              field =
                typeof value === 'number' || typeof value === 'bigint'
                  ? String(value)
                  : escapeCopyText(textOf(value));
              break;
            case 'bool':
              field = value === true ? 't' : value === false ? 'f' : escapeCopyText(textOf(value));
              break;
            case 'json':
              field = escapeCopyText(JSON.stringify(value));
              break;
            case 'timestamp':
              field =
                value instanceof Date
                  ? value.toISOString()
                  : typeof value === 'number'
                    ? new Date(value).toISOString()
                    : escapeCopyText(textOf(value));
              break;
            default:
              field = escapeCopyText(textOf(value));
          }
        } catch (error) {
          throw new CopyEncodingError(names[columnIndex] as string, rowIndex, { cause: error });
        }
      }
      line = columnIndex === 0 ? field : `${line}\t${field}`;
    }
    lines[rowIndex] = line;
  }
  lines[rows.length] = '';
  return lines.join('\n');
}
