import { describe, expect, it } from 'vitest';
import type { ResourceState, TableBatch } from '../contracts/destination';
import type { Row, WriteDisposition } from '../contracts/schema';
import { createNormalizer, type Normalizer } from '../normalize/normalizer';
import { BatchBuffer } from './batch-buffer';

function normalizerFor(writeDisposition: WriteDisposition = 'merge', primaryKey = ['id']): Normalizer {
  return createNormalizer({
    resources: [{ name: 'items', primaryKey, writeDisposition, nested: 'flatten' }],
    nesting: 'flatten',
  });
}

function rowsOf(tables: TableBatch[], name: string): Row[] {
  return tables.find((entry) => entry.table.name === name)?.rows ?? [];
}

function fields(rows: Row[], ...names: string[]): unknown[][] {
  return rows.map((row) => names.map((name) => row[name]));
}

describe('BatchBuffer.add', () => {
  it('should keep every row and their order when no primary key repeats', () => {
    const normalizer = normalizerFor();
    const buffer = new BatchBuffer();
    buffer.add(normalizer.normalize('items', [{ id: 1, tags: [{ t: 'a' }, { t: 'b' }] }], 'load'));
    buffer.add(normalizer.normalize('items', [{ id: 2, tags: [{ t: 'c' }] }], 'load'));
    expect(buffer.rowCount).toBe(5);
    const { tables } = buffer.drain();
    expect(fields(rowsOf(tables, 'items'), 'id')).toEqual([[1], [2]]);
    expect(fields(rowsOf(tables, 'items__tags'), 't')).toEqual([['a'], ['b'], ['c']]);
  });

  it('should keep the last copy of a repeated key and drop the children of the earlier copy from an earlier page', () => {
    const normalizer = normalizerFor();
    const buffer = new BatchBuffer();
    buffer.add(
      normalizer.normalize(
        'items',
        [
          { id: 7, name: 'first', tags: [{ t: 'a' }, { t: 'b' }, { t: 'c' }] },
          { id: 8, name: 'other', tags: [{ t: 'x' }] },
        ],
        'load',
      ),
    );
    buffer.add(normalizer.normalize('items', [{ id: 7, name: 'second', tags: [{ t: 'z' }] }], 'load'));
    const { tables } = buffer.drain();
    expect(fields(rowsOf(tables, 'items'), 'id', 'name')).toEqual([
      [8, 'other'],
      [7, 'second'],
    ]);
    expect(fields(rowsOf(tables, 'items__tags'), 't', '_restsync_list_idx')).toEqual([
      ['x', 0],
      ['z', 0],
    ]);
  });

  it('should drop the extra children of an earlier copy of a key repeated within one page', () => {
    const normalizer = normalizerFor();
    const buffer = new BatchBuffer();
    buffer.add(
      normalizer.normalize(
        'items',
        [
          { id: 7, name: 'first', tags: [{ t: 'a' }, { t: 'b' }, { t: 'c' }] },
          { id: 9, name: 'between', tags: [{ t: 'y' }] },
          { id: 7, name: 'second', tags: [{ t: 'z' }] },
        ],
        'load',
      ),
    );
    const { tables } = buffer.drain();
    expect(fields(rowsOf(tables, 'items'), 'id', 'name')).toEqual([
      [9, 'between'],
      [7, 'second'],
    ]);
    expect(fields(rowsOf(tables, 'items__tags'), 't')).toEqual([['y'], ['z']]);
  });

  it('should drop the grandchildren of dropped children and keep those of the last copy', () => {
    const normalizer = normalizerFor();
    const buffer = new BatchBuffer();
    buffer.add(
      normalizer.normalize(
        'items',
        [
          {
            id: 7,
            lines: [
              { n: 1, parts: [{ p: 'a1' }, { p: 'a2' }] },
              { n: 2, parts: [{ p: 'b1' }] },
            ],
          },
          { id: 7, lines: [{ n: 3, parts: [{ p: 'c1' }] }] },
        ],
        'load',
      ),
    );
    const { tables } = buffer.drain();
    expect(fields(rowsOf(tables, 'items'), 'id')).toEqual([[7]]);
    expect(fields(rowsOf(tables, 'items__lines'), 'n')).toEqual([[3]]);
    expect(fields(rowsOf(tables, 'items__lines__parts'), 'p')).toEqual([['c1']]);
  });

  it('should keep only the last copy of a key seen on three pages', () => {
    const normalizer = normalizerFor();
    const buffer = new BatchBuffer();
    buffer.add(normalizer.normalize('items', [{ id: 7, tags: [{ t: 'a' }, { t: 'b' }] }], 'load'));
    buffer.add(
      normalizer.normalize('items', [{ id: 7, tags: [{ t: 'c' }, { t: 'd' }, { t: 'e' }] }], 'load'),
    );
    buffer.add(normalizer.normalize('items', [{ id: 7, tags: [] }], 'load'));
    const { tables } = buffer.drain();
    expect(fields(rowsOf(tables, 'items'), 'id')).toEqual([[7]]);
    expect(rowsOf(tables, 'items__tags')).toEqual([]);
  });

  it('should keep repeated keys of an append table, children included', () => {
    const normalizer = normalizerFor('append');
    const buffer = new BatchBuffer();
    buffer.add(normalizer.normalize('items', [{ id: 7, tags: [{ t: 'a' }, { t: 'b' }] }], 'load'));
    buffer.add(normalizer.normalize('items', [{ id: 7, tags: [{ t: 'c' }] }], 'load'));
    const { tables } = buffer.drain();
    expect(rowsOf(tables, 'items')).toHaveLength(2);
    expect(fields(rowsOf(tables, 'items__tags'), 't')).toEqual([['a'], ['b'], ['c']]);
  });

  it('should forget the keys of a drained batch', () => {
    const normalizer = normalizerFor();
    const buffer = new BatchBuffer();
    buffer.add(normalizer.normalize('items', [{ id: 7, tags: [{ t: 'a' }, { t: 'b' }] }], 'load'));
    buffer.drain();
    buffer.add(normalizer.normalize('items', [{ id: 7, tags: [{ t: 'c' }] }], 'load'));
    const { tables } = buffer.drain();
    expect(fields(rowsOf(tables, 'items'), 'id')).toEqual([[7]]);
    expect(fields(rowsOf(tables, 'items__tags'), 't')).toEqual([['c']]);
  });
});

describe('BatchBuffer.drain', () => {
  it('should return the latest state per resource and leave the buffer empty', () => {
    const buffer = new BatchBuffer();
    buffer.setState('items', () => ({
      formatVersion: 1,
      resource: 'items',
      status: 'in_progress',
      checkpoint: { offset: 1 },
      loadId: 'l',
      updatedAt: 't',
    }));
    buffer.setState('items', () => ({
      formatVersion: 1,
      resource: 'items',
      status: 'in_progress',
      checkpoint: { offset: 2 },
      loadId: 'l',
      updatedAt: 't',
    }));
    expect(buffer.isEmpty).toBe(false);
    expect(buffer.drain().states).toEqual([
      {
        formatVersion: 1,
        resource: 'items',
        status: 'in_progress',
        checkpoint: { offset: 2 },
        loadId: 'l',
        updatedAt: 't',
      },
    ]);
    expect(buffer.isEmpty).toBe(true);
  });

  it('should build a state given as a function only once, when it drains, and only the latest', () => {
    const buffer = new BatchBuffer();
    const built: number[] = [];
    const stateAt = (offset: number) => (): ResourceState => {
      built.push(offset);
      return {
        formatVersion: 1,
        resource: 'items',
        status: 'in_progress',
        checkpoint: { offset },
        loadId: 'l',
        updatedAt: 't',
      };
    };
    buffer.setState('items', stateAt(1));
    buffer.setState('items', stateAt(2));
    expect(built).toEqual([]);
    expect(buffer.drain().states.map((state) => state.checkpoint)).toEqual([{ offset: 2 }]);
    expect(built).toEqual([2]);
    expect(buffer.isEmpty).toBe(true);
    expect(buffer.rowCount).toBe(0);
  });
});

describe('BatchBuffer.byteSize', () => {
  it('should grow with the width of the rows, not only their count, and start again at a drain', () => {
    const normalizer = normalizerFor('append', []);
    const narrow = new BatchBuffer();
    const wide = new BatchBuffer();
    const page = (text: string) =>
      Array.from({ length: 10 }, (_, index) => ({ id: index, text, nested: { note: text } }));

    narrow.add(normalizer.normalize('items', page('x'), 'load'));
    wide.add(normalizer.normalize('items', page('x'.repeat(10_000)), 'load'));

    expect(narrow.rowCount).toBe(wide.rowCount);
    expect(wide.byteSize).toBeGreaterThan(10 * 2 * 10_000);
    expect(narrow.byteSize).toBeLessThan(10 * 1_000);
    wide.drain();
    expect(wide.byteSize).toBe(0);
  });
});
