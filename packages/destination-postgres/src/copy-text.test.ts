import type { ColumnSchema } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { CopyEncodingError, encodeCopyText, escapeCopyText } from './copy-text';

const columns = (specs: Array<[string, ColumnSchema['type']]>): ColumnSchema[] =>
  specs.map(([name, type]) => ({ name, type, nullable: true }));

describe('escapeCopyText', () => {
  it('should escape backslash, tab, newline and carriage return, and leave everything else alone', () => {
    expect(escapeCopyText('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(escapeCopyText(`plain "quoted" 'text' ünï 🚀`)).toBe(`plain "quoted" 'text' ünï 🚀`);
  });
});

describe('encodeCopyText', () => {
  it('should encode one tab-separated line per row, in column order, ending with a newline', () => {
    const text = encodeCopyText(
      [
        { id: 1, name: 'a', extra: 'ignored' },
        { name: 'b', id: 2 },
      ],
      columns([
        ['id', 'bigint'],
        ['name', 'text'],
      ]),
    );
    expect(text).toBe('1\ta\n2\tb\n');
  });

  it('should write NULL as \\N and keep the literal text "\\N" and the empty string distinct', () => {
    const text = encodeCopyText(
      [{ a: null, b: undefined, c: '\\N', d: '' }],
      columns([
        ['a', 'text'],
        ['b', 'bigint'],
        ['c', 'text'],
        ['d', 'text'],
      ]),
    );
    expect(text).toBe('\\N\t\\N\t\\\\N\t\n');
  });

  it('should encode booleans as t/f, json as escaped JSON and dates as ISO strings', () => {
    const text = encodeCopyText(
      [
        {
          yes: true,
          no: false,
          json: { text: 'line\nbreak', list: [1, null] },
          string: 'str',
          at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
          iso: '2024-01-02T03:04:05Z',
          score: 1.5,
          big: 12345678901234567890n,
        },
      ],
      columns([
        ['yes', 'bool'],
        ['no', 'bool'],
        ['json', 'json'],
        ['string', 'json'],
        ['at', 'timestamp'],
        ['iso', 'timestamp'],
        ['score', 'double'],
        ['big', 'bigint'],
      ]),
    );
    expect(text).toBe(
      't\tf\t{"text":"line\\\\nbreak","list":[1,null]}\t"str"\t2024-01-02T03:04:05.000Z\t2024-01-02T03:04:05Z\t1.5\t12345678901234567890\n',
    );
  });

  it('should name the column and row of a value it cannot encode', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => encodeCopyText([{ data: 1 }, { data: circular }], columns([['data', 'json']]))).toThrow(
      CopyEncodingError,
    );
    expect(() => encodeCopyText([{ data: 1 }, { data: circular }], columns([['data', 'json']]))).toThrow(
      /column "data" of row 2/,
    );
  });

  it('should return an empty text for no rows', () => {
    expect(encodeCopyText([], columns([['id', 'bigint']]))).toBe('');
  });
});
