import type { TableSchema } from '@restsync/core';
import { Decimal128, Long } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { documentId, toBsonValue, toDocument } from './documents';

const table: TableSchema = {
  name: 'items',
  resource: 'items',
  columns: [
    { name: 'id', type: 'bigint', nullable: false },
    { name: 'at', type: 'timestamp', nullable: true },
  ],
  primaryKey: ['id'],
  writeDisposition: 'merge',
};

describe('toBsonValue', () => {
  it('should keep int32 integers and doubles as numbers and store larger safe integers as Long', () => {
    expect(toBsonValue(2 ** 31 - 1, 'string')).toBe(2 ** 31 - 1);
    expect(toBsonValue(-(2 ** 31), 'string')).toBe(-(2 ** 31));
    expect(toBsonValue(2 ** 31, 'string')).toEqual(Long.fromNumber(2 ** 31));
    expect(toBsonValue(1.5, 'string')).toBe(1.5);
  });

  it('should leave integers beyond 2^53 as doubles, since they are already imprecise', () => {
    expect(toBsonValue(2 ** 60, 'string')).toBe(2 ** 60);
  });

  it('should store a bigint as Long, or as Decimal128 beyond int64', () => {
    expect(toBsonValue(2n ** 62n, 'string')).toEqual(Long.fromBigInt(2n ** 62n));
    expect(toBsonValue(2n ** 70n, 'string')).toEqual(Decimal128.fromString((2n ** 70n).toString()));
  });

  it('should write a Date as a BSON date in date mode and as an ISO string in string mode', () => {
    const date = new Date('2024-05-01T00:00:00.000Z');
    expect(toBsonValue(date, 'date')).toBe(date);
    expect(toBsonValue(date, 'string')).toBe('2024-05-01T00:00:00.000Z');
  });
});

describe('toDocument', () => {
  it('should put _id first, keep the record _id as ＿id and convert timestamp columns in date mode only', () => {
    const row = { at: '2024-05-01T00:00:00.000Z', id: 7, _id: 'api-id', 'a.b': 1 };
    const asDate = toDocument(row, table, 'primary-key', 'date');
    expect(Object.keys(asDate)).toEqual(['_id', 'at', 'id', '\uFF3Fid', 'a\uFF0Eb']);
    expect(asDate.at).toEqual(new Date('2024-05-01T00:00:00.000Z'));
    expect(toDocument(row, table, 'primary-key', 'string').at).toBe('2024-05-01T00:00:00.000Z');
  });

  it('should use _restsync_id as _id for restsync-id identity, and leave _id to the driver without one', () => {
    expect(toDocument({ id: 1, _restsync_id: 'r1' }, table, 'restsync-id', 'string')._id).toBe('r1');
    expect(toDocument({ id: 1 }, table, 'restsync-id', 'string')).toEqual({ id: 1 });
  });
});

describe('documentId', () => {
  it('should build a composite key as an object in primary key order', () => {
    const composite = { ...table, primaryKey: ['tenant', 'id'] };
    const id = documentId({ id: 2 ** 40, tenant: 'acme' }, composite, 'primary-key', 'string');
    expect(id).toEqual({ tenant: 'acme', id: Long.fromNumber(2 ** 40) });
    expect(Object.keys(id as object)).toEqual(['tenant', 'id']);
  });

  // Regression: ids around 2^53 were rounded doubles, so two records shared one _id.
  it('should keep an exact primary key beyond 2^53 as Long, and beyond int64 as Decimal128', () => {
    expect(documentId({ id: 9007199254740993n }, table, 'primary-key', 'string')).toEqual(
      Long.fromBigInt(9007199254740993n),
    );
    expect(documentId({ id: 2n ** 64n + 1n }, table, 'primary-key', 'string')).toEqual(
      Decimal128.fromString('18446744073709551617'),
    );
  });

  it('should reject a row without its primary key, naming the table and the column', () => {
    expect(() => documentId({ id: null }, table, 'primary-key', 'string')).toThrow(
      /table "items".*primary key "id"/,
    );
  });
});
