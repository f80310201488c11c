import type { ColumnSchema, TableSchema } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { CopyBytes } from './copy-bytes';
import { CopyRows, encodePage, pagesToParts } from './copy-rows';

const table = (columns: [string, ColumnSchema['type']][]): TableSchema => ({
  name: 'items',
  resource: 'items',
  columns: columns.map(([name, type]) => ({ name, type, nullable: true })),
  primaryKey: ['id'],
  writeDisposition: 'merge',
});

const text = (data: Uint8Array) => Buffer.from(data).toString('utf8');

describe('encodePage', () => {
  it('should write each page after the last in one slab, and keep the text of earlier pages when a page moves to a new slab', () => {
    const out = new CopyBytes(64);
    const items = table([
      ['id', 'bigint'],
      ['v', 'text'],
    ]);
    const first = encodePage(out, items, [{ id: 1, v: 'a' }]) as CopyRows;
    const second = encodePage(out, items, [{ id: 2, v: 'x'.repeat(2000) }]) as CopyRows;
    const third = encodePage(out, items, [{ id: 3, v: null }]) as CopyRows;
    expect(text(first.data)).toBe('1\ta\n');
    expect(text(second.data)).toBe(`2\t${'x'.repeat(2000)}\n`);
    expect(text(third.data)).toBe('3\t\\N\n');
    expect(third.data.buffer).toBe(second.data.buffer);
    expect(first.data.buffer).not.toBe(second.data.buffer);
  });

  it('should decline a child table', () => {
    expect(encodePage(new CopyBytes(), { ...table([['v', 'text']]), parent: 'root' }, [{ v: 'a' }])).toBe(
      undefined,
    );
  });
});

describe('CopyRows.without', () => {
  it('should cut out the rows at the given indexes, an escaped newline inside a value included', () => {
    const rows = new CopyRows(['id', 'v'], 4, Buffer.from('1\ta\n2\tline\\nbreak\n3\tc\n4\td\n'));
    const kept = rows.without([1, 3]);
    expect(kept.rowCount).toBe(2);
    expect(text(kept.data)).toBe('1\ta\n3\tc\n');
    expect(text(rows.without([0]).data)).toBe('2\tline\\nbreak\n3\tc\n4\td\n');
  });
});

describe('pagesToParts', () => {
  it('should join pages with the same columns, without a copy when they follow each other in a slab', () => {
    const out = new CopyBytes();
    const items = table([['id', 'bigint']]);
    const pages = [1, 2, 3].map((id) => encodePage(out, items, [{ id }]) as CopyRows);
    const [part, ...others] = pagesToParts(pages);
    expect(others).toEqual([]);
    expect(part?.rowCount).toBe(3);
    expect(text(part?.data as Uint8Array)).toBe('1\n2\n3\n');
    expect(part?.data.buffer).toBe(pages[0]?.data.buffer);
  });

  it('should start a new part where the columns change', () => {
    const out = new CopyBytes();
    const narrow = table([['id', 'bigint']]);
    const wide = table([
      ['id', 'bigint'],
      ['v', 'text'],
    ]);
    const parts = pagesToParts([
      encodePage(out, narrow, [{ id: 1 }]) as CopyRows,
      encodePage(out, wide, [{ id: 2, v: 'b' }]) as CopyRows,
      encodePage(out, wide, [{ id: 3, v: 'c' }]) as CopyRows,
      new CopyRows(['id', 'v'], 1, Buffer.from('4\td\n')),
    ]);
    expect(parts.map((part) => [part.columns, part.rowCount, text(part.data)])).toEqual([
      [['id'], 1, '1\n'],
      [['id', 'v'], 3, '2\tb\n3\tc\n4\td\n'],
    ]);
  });
});
