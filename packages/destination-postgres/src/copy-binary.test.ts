import { PGlite } from '@electric-sql/pglite';
import type { ColumnSchema, Row, TableSchema } from '@restsync/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  binaryColumnTypes,
  binaryCopyData,
  binaryToText,
  binaryTupleEnds,
  binaryTypesFor,
  encodeCopyBinary,
  isoMicros,
} from './copy-binary';
import { CopyBytes } from './copy-bytes';
import { type CopyRows, encodePage } from './copy-rows';
import { encodeCopyText } from './copy-text';
import { createPgliteClient } from './pglite-client';
import type { SqlClient } from './sql-client';

let database: PGlite;
let client: SqlClient;

beforeAll(async () => {
  database = await PGlite.create();
  client = createPgliteClient(database, { ownsDatabase: false });
});
afterAll(async () => {
  await database.close();
});

/** Postgres's own reading of a timestamptz text, in microseconds from 2000-01-01 UTC. */
async function postgresMicros(text: string): Promise<bigint> {
  const [row] = await client.query<{ micros: string }>(
    `SELECT (extract(epoch FROM $1::timestamptz) * 1000000 - 946684800000000)::numeric(30,0)::text AS micros`,
    [text],
  );
  return BigInt(row?.micros as string);
}

/** A deterministic pseudo-random sequence (mulberry32), so a failure names a reproducible input. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

describe('isoMicros', () => {
  it('should read the date-times it accepts exactly as Postgres reads them', async () => {
    const fixed = [
      '2024-07-19T00:00:01.000Z',
      '2024-02-29T23:59:59.999999Z',
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999999Z',
      '1969-12-31T23:59:59.5Z',
      '1900-03-01T00:00Z',
      '2000-01-01T00:00:00+14',
      '2000-01-01T00:00:00-0530',
      '2000-01-01T00:00:00.1-00:30',
      '1999-12-31T23:59:59.123456+05:45',
      '2016-12-31T23:59:59.01Z',
      // Around ±2^53 microseconds from 2000-01-01, where a number stops holding them exactly.
      '2285-06-04T23:47:34.740991Z',
      '2285-06-04T23:47:34.740992Z',
      '2285-06-04T23:47:34.740993Z',
      '1714-07-29T00:12:25.259008Z',
      '1714-07-29T00:12:25.259007Z',
      '1714-07-29T00:12:25.259009Z',
    ];
    const next = random(15);
    const generated = Array.from({ length: 150 }, () => {
      const ms = Math.floor(next() * 253_402_300_799_000) - 62_135_596_800_000 + 86_400_000;
      const iso = new Date(ms).toISOString().slice(0, 19);
      const digits = Math.floor(next() * 7);
      const fraction = digits === 0 ? '' : `.${pad(Math.floor(next() * 10 ** digits), digits)}`;
      const sign = next() < 0.5 ? '+' : '-';
      const zone = [
        'Z',
        `${sign}${pad(Math.floor(next() * 15), 2)}`,
        `${sign}${pad(Math.floor(next() * 15), 2)}:${pad(Math.floor(next() * 60), 2)}`,
        `${sign}${pad(Math.floor(next() * 15), 2)}${pad(Math.floor(next() * 60), 2)}`,
      ][Math.floor(next() * 4)];
      return `${iso}${fraction}${zone}`;
    });
    for (const text of [...fixed, ...generated]) {
      const micros = isoMicros(text);
      expect({ text, micros: micros === undefined ? undefined : BigInt(micros) }).toEqual({
        text,
        micros: await postgresMicros(text),
      });
    }
  });

  it('should leave to Postgres what it does not read exactly: impossible dates, hour 24, a 60th second, 7 fraction digits, no zone', () => {
    for (const text of [
      '2024-02-30T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2024-01-01T24:00:00Z',
      '2024-01-01T23:59:60Z',
      '2024-01-01T00:00:00.1234567Z',
      '2024-01-01T00:00:00',
      '2024-01-01T00:00:00+15',
      '2024-01-01T00:00:00+02:60',
      '2024-01-01 00:00:00Z',
      '0000-01-01T00:00:00Z',
      'July 19 2024',
    ]) {
      expect({ text, micros: isoMicros(text) }).toEqual({ text, micros: undefined });
    }
  });
});

const columns: ColumnSchema[] = [
  { name: 'id', type: 'bigint', nullable: false },
  { name: 'b', type: 'bigint', nullable: true },
  { name: 'd', type: 'double', nullable: true },
  { name: 'f', type: 'bool', nullable: true },
  { name: 't', type: 'text', nullable: true },
  { name: 'ts', type: 'timestamp', nullable: true },
  { name: 'j', type: 'json', nullable: true },
];
const table: TableSchema = {
  name: 'items',
  resource: 'items',
  columns,
  primaryKey: ['id'],
  writeDisposition: 'append',
} as TableSchema;

const edgeRows: Row[] = [
  { id: 1, b: 0, d: -0, f: true, t: '', ts: '2024-07-19T00:00:01.000Z', j: { a: [1, { b: 'x' }] } },
  { id: 2, b: -1, d: 0.1, f: false, t: 'tab\tnew\nline\\back\rcr', ts: '2024-07-19T02:00:00+02:00', j: [] },
  {
    id: 3,
    b: 2 ** 53 - 1,
    d: 1e21,
    t: 'é漢字🙂',
    ts: new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 5)),
    j: 'str',
  },
  { id: 4, b: -(2 ** 53 - 1), d: 1e-7, t: 'nul\u0000in', ts: 1.5e12, j: 12.5 },
  {
    id: 5,
    b: 2 ** 60,
    d: 5,
    t: 42 as unknown as string,
    ts: '0001-01-01T00:00:00Z',
    j: { 'k\u0000': 'v\u0000' },
  },
  { id: 6, b: 9_223_372_036_854_775_807n, d: 2 ** 60, t: { a: 1 } as unknown as string, j: null },
  { id: 7, b: -9_223_372_036_854_775_808n, d: Number.MAX_VALUE, t: true as unknown as string },
  { id: 8, d: -1.5, ts: '2024-02-29T12:00:00.123456-0530' },
  { id: 9 },
];

const asText = 'id, b::text, d::text, f::text, t, ts::text, j::text';

async function tableOf(name: string): Promise<void> {
  await client.query(
    `CREATE TABLE ${name} (id bigint PRIMARY KEY, b bigint, d double precision, f boolean, t text, ts timestamptz, j jsonb)`,
  );
}

describe('COPY binary', () => {
  it('should store every value as COPY text stores it', async () => {
    await tableOf('as_text');
    await tableOf('as_binary');
    await client.copyFrom('COPY as_text FROM STDIN', encodeCopyText(edgeRows, columns));
    const tuples = encodeCopyBinary(edgeRows, columns, new CopyBytes());
    expect(tuples).toBeDefined();
    await client.copyFrom('COPY as_binary FROM STDIN WITH (FORMAT binary)', binaryCopyData(tuples as Buffer));
    const expected = await client.query(`SELECT ${asText} FROM as_text ORDER BY id`);
    expect(expected).toHaveLength(edgeRows.length);
    expect(await client.query(`SELECT ${asText} FROM as_binary ORDER BY id`)).toEqual(expected);
  });

  it('should keep a field whole when its text moves the page to a new slab partway', async () => {
    const long = `${'é'.repeat(3_000)}\u0000${'x'.repeat(3_000)}`;
    const rows: Row[] = [
      { id: 1, t: 'short', j: { long } },
      { id: 2, t: long, j: [long] },
    ];
    const out = new CopyBytes(1024);
    // A page before it, so the page starts partway into the slab it then leaves.
    const before = Buffer.from(encodeCopyBinary([{ id: 0, t: 'before' }], columns, out) as Buffer);
    const tuples = encodeCopyBinary(rows, columns, out) as Buffer;
    expect(binaryTupleEnds(before)).toHaveLength(1);
    await tableOf('moved');
    await client.copyFrom('COPY moved FROM STDIN WITH (FORMAT binary)', binaryCopyData(tuples));
    const stored = long.replace('\u0000', '\\u0000');
    expect(await client.query('SELECT id::int, t, j FROM moved ORDER BY id')).toEqual([
      { id: 1, t: 'short', j: { long: stored } },
      { id: 2, t: stored, j: [stored] },
    ]);
  });

  it('should give the page to COPY text, with the slab as it was, when a value has no exact binary form', () => {
    const out = new CopyBytes();
    const types = binaryColumnTypes(columns);
    const first = encodePage(out, table, [{ id: 1, ts: '2024-07-19T00:00:01Z' }], types);
    const firstBytes = Buffer.from(first?.data as Uint8Array);
    for (const odd of [
      { id: 2, b: '12' },
      { id: 2, b: 1.5 },
      { id: 2, b: 2n ** 63n },
      { id: 2, d: 3n },
      { id: 2, f: 'true' },
      { id: 2, ts: '2024-07-19T00:00:01.1234567Z' },
      { id: 2, ts: 'yesterday' },
    ]) {
      const page = encodePage(out, table, [{ id: 3 }, odd], types);
      expect(page?.types).toBeUndefined();
      expect(Buffer.from(page?.data as Uint8Array)).toEqual(encodeCopyText([{ id: 3 }, odd], columns));
    }
    expect(first?.types).toEqual(types);
    expect(Buffer.from(first?.data as Uint8Array)).toEqual(firstBytes);
  });

  it('should have no binary form for a decimal, a date or a column with a precision', () => {
    expect(binaryColumnTypes([{ name: 'n', type: 'decimal', nullable: true }])).toBeUndefined();
    expect(binaryColumnTypes([{ name: 'n', type: 'date', nullable: true }])).toBeUndefined();
    expect(
      binaryColumnTypes([{ name: 'n', type: 'timestamp', nullable: true, precision: 3 }]),
    ).toBeUndefined();
  });

  it('should cut rows out of binary tuples by their index', async () => {
    const rows: Row[] = [1, 2, 3, 4, 5].map((id) => ({ id, t: `row\n${id}`, j: { id } }));
    const page = encodePage(new CopyBytes(), table, rows, binaryColumnTypes(columns)) as CopyRows;
    expect(binaryTupleEnds(page.data)).toHaveLength(5);
    const kept = page.without([0, 2, 4]);
    expect(kept.rowCount).toBe(2);
    await tableOf('cut');
    await client.copyFrom('COPY cut FROM STDIN WITH (FORMAT binary)', binaryCopyData(kept.data));
    expect(await client.query('SELECT id::int, t, j::text FROM cut ORDER BY id')).toEqual([
      { id: 2, t: 'row\n2', j: '{"id": 2}' },
      { id: 4, t: 'row\n4', j: '{"id": 4}' },
    ]);
  });

  it('should turn binary tuples back into COPY text that stores the same values', async () => {
    const types = binaryColumnTypes(columns) as string[];
    const tuples = encodeCopyBinary(edgeRows, columns, new CopyBytes()) as Buffer;
    await tableOf('back_to_text');
    await client.copyFrom('COPY back_to_text FROM STDIN', binaryToText(tuples, types));
    expect(await client.query(`SELECT ${asText} FROM back_to_text ORDER BY id`)).toEqual(
      await client.query(`SELECT ${asText} FROM as_text ORDER BY id`),
    );
  });

  it("should go binary only when the session knows the table and it holds each column in the column's type", () => {
    const live = (entries: [string, string][]) =>
      new Map([['items', { columns: new Map(entries), uniqueKeys: [] }]]);
    const all: [string, string][] = [
      ['id', 'bigint'],
      ['b', 'bigint'],
      ['d', 'double precision'],
      ['f', 'boolean'],
      ['t', 'text'],
      ['ts', 'timestamp with time zone'],
      ['j', 'jsonb'],
    ];
    expect(binaryTypesFor(undefined, table)).toBeUndefined();
    expect(binaryTypesFor(new Map(), table)).toEqual(binaryColumnTypes(columns));
    expect(binaryTypesFor(live(all), table)).toEqual(binaryColumnTypes(columns));
    expect(binaryTypesFor(live(all.slice(0, 3)), table)).toEqual(binaryColumnTypes(columns));
    expect(
      binaryTypesFor(live(all.map(([name, type]) => [name, name === 'ts' ? 'text' : type])), table),
    ).toBeUndefined();
    expect(
      binaryTypesFor(
        live(all.map(([name, type]) => [name, name === 'ts' ? 'timestamp(3) with time zone' : type])),
        table,
      ),
    ).toBeUndefined();
  });
});
