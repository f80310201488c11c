import {
  type ColumnSchema,
  DestinationError,
  type EncodedRows,
  type Row,
  type TableSchema,
} from '@restsync/core';
import { binaryTupleEnds, encodeCopyBinary } from './copy-binary';
import type { CopyBytes } from './copy-bytes';
import { encodeCopyText } from './copy-text';
import { scd2Of } from './merge-strategies';

const newline = 0x0a;

/**
 * Rows in COPY text format (UTF-8), with the columns they fill: what `encodeRows` hands the
 * pipeline for a page, and what a write copies. Each row is one line (a newline inside a value is
 * escaped), so rows are cut out by their line.
 */
export class CopyRows implements EncodedRows {
  constructor(
    readonly columns: readonly string[],
    readonly rowCount: number,
    readonly data: Uint8Array,
    /** Set for COPY binary tuples: the Postgres type each column is written in (see `encodeCopyBinary`). */
    readonly types?: readonly string[],
  ) {}

  get byteLength(): number {
    return this.data.byteLength;
  }

  without(indexes: readonly number[]): CopyRows {
    const kept: Uint8Array[] = [];
    const tupleEnds = this.types === undefined ? undefined : binaryTupleEnds(this.data);
    let next = 0;
    let start = 0;
    let keptFrom = 0;
    for (let row = 0; row < this.rowCount && next < indexes.length; row++) {
      const end = tupleEnds ? (tupleEnds[row] as number) : this.data.indexOf(newline, start) + 1;
      if (indexes[next] === row) {
        if (start > keptFrom) kept.push(this.data.subarray(keptFrom, start));
        keptFrom = end;
        next += 1;
      }
      start = end;
    }
    if (keptFrom < this.data.length) kept.push(this.data.subarray(keptFrom));
    return new CopyRows(this.columns, this.rowCount - next, Buffer.concat(kept), this.types);
  }
}

/** Encodes rows as COPY text in the order of `columns`; a value that cannot be encoded is a `DestinationError` naming the table. */
export function encodeTableRows(
  rows: readonly Row[],
  table: TableSchema,
  columns: readonly ColumnSchema[],
  out?: CopyBytes,
): Uint8Array {
  try {
    return encodeCopyText(rows, columns, out);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DestinationError(`Could not encode the rows of table "${table.name}": ${reason}.`, {
      cause: error,
      table: table.name,
    });
  }
}

/**
 * The session's `encodeRows`: a page's rows of a root table as COPY data of the table's current
 * columns, written into `out` after the pages before it: binary tuples when `binaryTypes` gives
 * each column's type and every value has an exact binary form (see `encodeCopyBinary`), COPY text
 * otherwise. Declines (undefined) an `scd2` table, whose validity columns are set by SQL.
 */
export function encodePage(
  out: CopyBytes,
  table: TableSchema,
  rows: readonly Row[],
  binaryTypes?: readonly string[],
): CopyRows | undefined {
  if (table.parent !== undefined || scd2Of(table) !== undefined) return undefined;
  const columns = table.columns;
  const names = columns.map((column) => column.name);
  const tuples = binaryTypes === undefined ? undefined : encodeCopyBinary(rows, columns, out);
  if (tuples !== undefined) return new CopyRows(names, rows.length, tuples, binaryTypes);
  return new CopyRows(names, rows.length, encodeTableRows(rows, table, columns, out));
}

/** The bytes of `pieces` as one buffer; pieces that follow each other in one slab are joined without a copy. */
function joined(pieces: readonly Uint8Array[]): Uint8Array {
  const first = pieces[0] as Uint8Array;
  let end = first.byteOffset + first.byteLength;
  for (let index = 1; index < pieces.length; index++) {
    const piece = pieces[index] as Uint8Array;
    if (piece.buffer !== first.buffer || piece.byteOffset !== end) return Buffer.concat(pieces);
    end += piece.byteLength;
  }
  return new Uint8Array(first.buffer, first.byteOffset, end - first.byteOffset);
}

/** Rows to copy: COPY text (UTF-8) of `rowCount` rows filling `columns`, or COPY binary tuples. */
export interface CopyPart {
  columns: readonly string[];
  rowCount: number;
  data: Uint8Array;
  /** Set when `data` is COPY binary tuples (no header or trailer): the Postgres type of each column. */
  types?: readonly string[] | undefined;
}

/**
 * The COPY data of a table batch's encoded pages: one part per run of pages with the same columns
 * and format (more than one only when the table grew a column during the batch, or a page went as
 * text among binary ones).
 */
export function pagesToParts(encoded: readonly EncodedRows[]): CopyPart[] {
  const runs: {
    columns: readonly string[];
    types: readonly string[] | undefined;
    key: string;
    rowCount: number;
    data: Uint8Array[];
  }[] = [];
  for (const page of encoded) {
    if (!(page instanceof CopyRows)) {
      throw new DestinationError('A batch holds encoded rows that this Postgres destination did not encode.');
    }
    const key = `${page.columns.join('\u0000')}\u0001${page.types?.join('\u0000') ?? 'text'}`;
    const last = runs.at(-1);
    if (last !== undefined && last.key === key) {
      last.data.push(page.data);
      last.rowCount += page.rowCount;
    } else {
      runs.push({
        columns: page.columns,
        types: page.types,
        key,
        rowCount: page.rowCount,
        data: [page.data],
      });
    }
  }
  return runs.map((run) => ({
    columns: run.columns,
    rowCount: run.rowCount,
    data: joined(run.data),
    ...(run.types === undefined ? {} : { types: run.types }),
  }));
}
