import { describe, expect, it } from 'vitest';
import type { EncodedRows, TableBatch } from '../contracts/destination';
import type { Row, TableSchema } from '../contracts/schema';
import type { ResourceInfo } from '../contracts/source';
import { createNormalizer } from '../normalize/normalizer';
import { BatchBuffer } from './batch-buffer';
import type { RowEncoder } from './encoded-pages';

/** Encoded rows as a test destination would keep them: one JSON text per row, in the page's column order. */
class JsonLines implements EncodedRows {
  constructor(
    readonly columns: readonly string[],
    readonly lines: readonly string[],
  ) {}
  get rowCount() {
    return this.lines.length;
  }
  get byteLength() {
    return this.lines.reduce((sum, line) => sum + line.length, 0);
  }
  without(indexes: readonly number[]): JsonLines {
    return new JsonLines(
      this.columns,
      this.lines.filter((_, index) => !indexes.includes(index)),
    );
  }
}

/** An encoder that records the tables it was called for. */
function jsonEncoder(options: { decline?: (table: TableSchema) => boolean } = {}) {
  const calls: string[] = [];
  const encode: RowEncoder = (table, rows) => {
    calls.push(table.name);
    if (options.decline?.(table)) return undefined;
    const columns = table.columns.map((column) => column.name);
    return new JsonLines(
      columns,
      rows.map((row) => JSON.stringify(columns.map((column) => row[column] ?? null))),
    );
  };
  return { encode, calls };
}

function normalizerFor(resource: Partial<ResourceInfo> = {}) {
  return createNormalizer({
    resources: [
      { name: 'items', primaryKey: ['id'], writeDisposition: 'merge', nested: 'flatten', ...resource },
    ],
    nesting: 'flatten',
  });
}

/** The rows of a drained table, decoded from its encoded pages: `[column, value]` objects. */
function decoded(tables: TableBatch[], name: string): Row[] {
  const entry = tables.find((table) => table.table.name === name);
  return (entry?.encoded ?? []).flatMap((page) => {
    const { columns, lines } = page as JsonLines;
    return lines.map((line) => {
      const values = JSON.parse(line) as unknown[];
      return Object.fromEntries(columns.map((column, index) => [column, values[index]]));
    });
  });
}

describe('BatchBuffer with an encoder', () => {
  it('should keep a page of root rows encoded, with no rows, and count its rows and bytes', () => {
    const normalizer = normalizerFor();
    const { encode, calls } = jsonEncoder();
    const buffer = new BatchBuffer(encode);
    expect(buffer.add(normalizer.normalize('items', [{ id: 1, name: 'a' }, { id: 2 }], 'load'))).toBe(true);
    expect(calls).toEqual(['items']);
    expect(buffer.rowCount).toBe(2);
    expect(buffer.byteSize).toBeGreaterThan(0);
    const { tables } = buffer.drain();
    expect(tables[0]?.rows).toEqual([]);
    expect(decoded(tables, 'items').map((row) => [row.id, row.name])).toEqual([
      [1, 'a'],
      [2, null],
    ]);
  });

  it('should keep only the last copy of a merge key repeated on a later page, wherever it was', () => {
    const normalizer = normalizerFor();
    const buffer = new BatchBuffer(jsonEncoder().encode);
    buffer.add(
      normalizer.normalize(
        'items',
        [
          { id: 5, v: 'a' },
          { id: 7, v: 'a' },
          { id: 9, v: 'a' },
        ],
        'load',
      ),
    );
    buffer.add(
      normalizer.normalize(
        'items',
        [
          { id: 1, v: 'b' },
          { id: 7, v: 'b' },
        ],
        'load',
      ),
    );
    buffer.add(normalizer.normalize('items', [{ id: 9, v: 'c' }], 'load'));
    const { tables } = buffer.drain();
    expect(decoded(tables, 'items').map((row) => [row.id, row.v])).toEqual([
      [5, 'a'],
      [1, 'b'],
      [7, 'b'],
      [9, 'c'],
    ]);
  });

  it('should keep every row of pages whose keys do not rise but never repeat', () => {
    const normalizer = normalizerFor();
    const buffer = new BatchBuffer(jsonEncoder().encode);
    buffer.add(normalizer.normalize('items', [{ id: 'b' }, { id: 'a' }], 'load'));
    buffer.add(normalizer.normalize('items', [{ id: 'c' }, { id: 'aa' }], 'load'));
    const { tables } = buffer.drain();
    expect(decoded(tables, 'items').map((row) => row.id)).toEqual(['b', 'a', 'c', 'aa']);
  });

  it('should tell keys of several columns apart by all of them', () => {
    const normalizer = normalizerFor({ primaryKey: ['shop', 'id'] });
    const buffer = new BatchBuffer(jsonEncoder().encode);
    buffer.add(
      normalizer.normalize(
        'items',
        [
          { shop: 1, id: 1, v: 'a' },
          { shop: 2, id: 1, v: 'a' },
        ],
        'load',
      ),
    );
    buffer.add(normalizer.normalize('items', [{ shop: 1, id: 1, v: 'b' }], 'load'));
    const { tables } = buffer.drain();
    expect(decoded(tables, 'items').map((row) => [row.shop, row.id, row.v])).toEqual([
      [2, 1, 'a'],
      [1, 1, 'b'],
    ]);
  });

  it('should keep repeated rows of an append table', () => {
    const normalizer = normalizerFor({ writeDisposition: 'append' });
    const buffer = new BatchBuffer(jsonEncoder().encode);
    buffer.add(normalizer.normalize('items', [{ id: 1, v: 'a' }], 'load'));
    buffer.add(normalizer.normalize('items', [{ id: 1, v: 'b' }], 'load'));
    const { tables } = buffer.drain();
    expect(decoded(tables, 'items').map((row) => [row.id, row.v])).toEqual([
      [1, 'a'],
      [1, 'b'],
    ]);
  });

  it('should refuse a page with child rows after encoded pages, then take it as rows once drained', () => {
    const normalizer = normalizerFor();
    const buffer = new BatchBuffer(jsonEncoder().encode);
    buffer.add(normalizer.normalize('items', [{ id: 1 }], 'load'));
    const withChildren = normalizer.normalize('items', [{ id: 2, tags: [{ t: 'x' }] }], 'load');
    expect(buffer.mixes(withChildren)).toBe(true);
    expect(buffer.add(withChildren)).toBe(false);
    expect(buffer.rowCount).toBe(1);
    expect(decoded(buffer.drain().tables, 'items').map((row) => row.id)).toEqual([1]);
    expect(buffer.add(withChildren)).toBe(true);
    const { tables } = buffer.drain();
    expect(tables.find((table) => table.table.name === 'items')?.rows.map((row) => row.id)).toEqual([2]);
    expect(tables.find((table) => table.table.name === 'items__tags')?.rows).toHaveLength(1);
  });

  it('should keep root rows as rows while the batch holds rows of their resource', () => {
    const normalizer = normalizerFor();
    const { encode, calls } = jsonEncoder();
    const buffer = new BatchBuffer(encode);
    buffer.add(normalizer.normalize('items', [{ id: 1, tags: [{ t: 'x' }] }], 'load'));
    expect(buffer.add(normalizer.normalize('items', [{ id: 2 }], 'load'))).toBe(true);
    expect(calls).toEqual([]);
    const { tables } = buffer.drain();
    expect(tables.find((table) => table.table.name === 'items')?.rows.map((row) => row.id)).toEqual([1, 2]);
  });

  it('should not encode the rows of tables whose write needs them (hard_delete, scd2, delete-insert, merge without key), nor pages of a tree', () => {
    const cases: Partial<ResourceInfo>[] = [
      { columns: [{ name: 'deleted', hardDelete: true }] },
      { mergeStrategy: 'scd2' },
      { mergeStrategy: 'delete-insert' },
      { primaryKey: [] },
    ];
    for (const resource of cases) {
      const normalizer = normalizerFor(resource);
      const { encode, calls } = jsonEncoder();
      const buffer = new BatchBuffer(encode);
      expect(buffer.add(normalizer.normalize('items', [{ id: 1, deleted: false }], 'load'))).toBe(true);
      expect(calls, JSON.stringify(resource)).toEqual([]);
      expect(buffer.drain().tables[0]?.rows).toHaveLength(1);
    }
    const { encode, calls } = jsonEncoder();
    const buffer = new BatchBuffer(encode);
    buffer.add(normalizerFor().normalize('items', [{ id: 1 }], 'load'), undefined, false);
    expect(calls).toEqual([]);
  });

  it('should take the rows as rows when the encoder declines, after draining the pages it encoded', () => {
    let declining = false;
    const normalizer = normalizerFor();
    const buffer = new BatchBuffer(jsonEncoder({ decline: () => declining }).encode);
    buffer.add(normalizer.normalize('items', [{ id: 1 }], 'load'));
    declining = true;
    const page = normalizer.normalize('items', [{ id: 2 }], 'load');
    expect(buffer.add(page)).toBe(false);
    expect(decoded(buffer.drain().tables, 'items').map((row) => row.id)).toEqual([1]);
    expect(buffer.add(page)).toBe(true);
    expect(buffer.drain().tables[0]?.rows.map((row) => row.id)).toEqual([2]);
  });
});
