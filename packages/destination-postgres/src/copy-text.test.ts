import { type ColumnSchema, stringifyExactJson } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { CopyEncodingError, encodeCopyText, escapeCopyText } from './copy-text';

/** The COPY text of the rows, decoded from the UTF-8 bytes the encoder writes. */
const encodeText = (...args: Parameters<typeof encodeCopyText>) => encodeCopyText(...args).toString('utf8');

const columns = (specs: Array<[string, ColumnSchema['type']]>): ColumnSchema[] =>
  specs.map(([name, type]) => ({ name, type, nullable: true }));

describe('escapeCopyText', () => {
  it('should escape backslash, tab, newline and carriage return, and leave everything else alone', () => {
    expect(escapeCopyText('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(escapeCopyText(`plain "quoted" 'text' ünï 🚀`)).toBe(`plain "quoted" 'text' ünï 🚀`);
  });

  // Regression: a U+0000 reached Postgres, which failed the batch with an encoding error, on every rerun.
  it('should store a U+0000 as the six characters \\u0000', () => {
    expect(escapeCopyText('a\u0000b')).toBe('a\\\\u0000b');
  });
});

describe('encodeCopyText', () => {
  it('should encode one tab-separated line per row, in column order, ending with a newline', () => {
    const text = encodeText(
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

  it('should write every safe integer as its decimal digits, on both sides of 32 bits', () => {
    const values = [
      0,
      7,
      9,
      10,
      99,
      100,
      500_000,
      2_147_483_646,
      2_147_483_647,
      2_147_483_648,
      4_294_967_296,
      -1,
      -10,
      -2_147_483_647,
      -2_147_483_648,
      -2_147_483_649,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
    ];
    const text = encodeText(
      values.map((value) => ({ value })),
      columns([['value', 'bigint']]),
    );
    expect(text).toBe(values.map((value) => `${String(value)}\n`).join(''));
  });

  it('should write NULL as \\N and keep the literal text "\\N" and the empty string distinct', () => {
    const text = encodeText(
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
    const text = encodeText(
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

  it('should write bigints exactly in bigint, decimal and json columns', () => {
    const text = encodeText(
      [{ id: 9007199254740993n, huge: -(2n ** 70n), data: { amount: 9007199254740993n } }],
      columns([
        ['id', 'bigint'],
        ['huge', 'decimal'],
        ['data', 'json'],
      ]),
    );
    expect(text).toBe('9007199254740993\t-1180591620717411303424\t{"amount":9007199254740993}\n');
  });

  it('should store a U+0000 in json strings and keys as the six characters \\u0000, other backslashes unchanged', () => {
    const text = encodeText(
      [{ data: { 'key\u0000name': ['nul\u0000', 'back\\slash'], when: new Date(0) } }],
      columns([['data', 'json']]),
    );
    const stored = JSON.parse(text.slice(0, -1).replaceAll('\\\\', '\\'));
    expect(stored).toEqual({
      'key\\u0000name': ['nul\\u0000', 'back\\slash'],
      when: '1970-01-01T00:00:00.000Z',
    });
  });

  it('should name the column and row of a value it cannot encode', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => encodeText([{ data: 1 }, { data: circular }], columns([['data', 'json']]))).toThrow(
      CopyEncodingError,
    );
    expect(() => encodeText([{ data: 1 }, { data: circular }], columns([['data', 'json']]))).toThrow(
      /column "data" of row 2/,
    );
  });

  it('should write non-ASCII and long texts as UTF-8, growing past its first buffer', () => {
    const long = `${'ü'.repeat(60_000)}🚀${'a'.repeat(5_000)}`;
    const rows = Array.from({ length: 3_000 }, (_value, index) => ({
      id: index,
      name: index % 2 === 0 ? `ünï ${index} 🚀` : `plain ${index}`,
    }));
    rows.push({ id: -1, name: long });
    const bytes = encodeCopyText(
      rows,
      columns([
        ['id', 'bigint'],
        ['name', 'text'],
      ]),
    );
    const expected = rows.map((row) => `${row.id}\t${row.name}\n`).join('');
    expect(bytes.toString('utf8')).toBe(expected);
    expect(bytes.length).toBe(Buffer.byteLength(expected));
  });

  it('should read columns whose names hold quotes, backslashes or line breaks as plain names', () => {
    const names = ['a"]; throw new Error("x"); //', 'back\\slash', 'line\nbreak', 'ü 🚀'];
    const row = Object.fromEntries(names.map((name, index) => [name, `v${index}`]));
    const text = encodeText(
      [row, { ...row, [names[0] as string]: null }],
      names.map((name) => ({ name, type: 'text' as const, nullable: true })),
    );
    expect(text).toBe('v0\tv1\tv2\tv3\n\\N\tv1\tv2\tv3\n');
  });

  it('should return an empty text for no rows', () => {
    expect(encodeText([], columns([['id', 'bigint']]))).toBe('');
  });

  // What every value in every column type must become, written out as one plain switch per value.
  const referenceField = (type: ColumnSchema['type'], value: unknown): string => {
    const text = (item: unknown) =>
      typeof item === 'string' ? item : typeof item === 'object' ? jsonOf(item) : String(item);
    const jsonOf = (item: unknown) => stringifyExactJson(item).replaceAll('\\u0000', '\\\\u0000');
    if (value === null || value === undefined) return '\\N';
    switch (type) {
      case 'bigint':
      case 'double':
      case 'decimal':
        return typeof value === 'number' || typeof value === 'bigint'
          ? String(value)
          : escapeCopyText(text(value));
      case 'bool':
        return value === true ? 't' : value === false ? 'f' : escapeCopyText(text(value));
      case 'json':
        return escapeCopyText(jsonOf(value));
      case 'timestamp':
        return value instanceof Date
          ? value.toISOString()
          : typeof value === 'number'
            ? new Date(value).toISOString()
            : escapeCopyText(text(value));
      default:
        return escapeCopyText(text(value));
    }
  };

  it('should encode every kind of value in every column type as the plain per-value switch says', () => {
    const types: ColumnSchema['type'][] = [
      'text',
      'bigint',
      'double',
      'decimal',
      'bool',
      'json',
      'timestamp',
      'date',
    ];
    const allValues: unknown[] = [
      null,
      undefined,
      '',
      'plain',
      'tab\there',
      'back\\slash\nnew\rline',
      'nul\u0000char',
      'carriage\rreturn only',
      'bell\u0007 and escape\u001b stay',
      `long ${'x'.repeat(80)}\tafter 64 characters`,
      'ünïcödé 🚀 ✓',
      '2024-01-02T03:04:05.123Z',
      '\\N',
      0,
      -0,
      42,
      -7,
      9,
      10,
      99,
      100,
      1_000_000,
      2 ** 53 - 1,
      -(2 ** 53 - 1),
      2 ** 53,
      -7.25,
      1e21,
      Number.NaN,
      1_700_000_000_000,
      9007199254740993n,
      -(2n ** 70n),
      true,
      false,
      new Date(Date.UTC(2024, 1, 29, 12)),
      { nested: { list: [1, 'two', null], 'key\u0000': 'v\u0000' } },
      [1, [2, 3], 'x\ty'],
    ];
    for (const type of types) {
      // A number that is no valid time cannot go into a timestamp column, with either encoder.
      const values =
        type === 'timestamp'
          ? allValues.filter((value) => typeof value !== 'number' || Math.abs(value) <= 8.64e15)
          : allValues;
      const names = values.map((_value, index) => `c${index}`);
      const row = Object.fromEntries(names.map((name, index) => [name, values[index]]));
      const text = encodeText(
        [row, row],
        names.map((name) => ({ name, type, nullable: true })),
      );
      const line = values.map((value) => referenceField(type, value)).join('\t');
      expect(text, type).toBe(`${line}\n${line}\n`);
    }
  });
});
