import { describe, expect, it } from 'vitest';
import { accepts, inferType, isIsoDateTime, prepareValue, widenedType } from './value-types';

describe('isIsoDateTime', () => {
  it.each([
    '2024-01-02T03:04:05Z',
    '2024-01-02T03:04:05.123Z',
    '2024-01-02T03:04:05.123456789Z',
    '2024-01-02T03:04:05+02:00',
    '2024-01-02T03:04:05-0530',
    '2024-01-02T03:04:05+02',
    '2024-01-02T03:04Z',
    '2024-02-29T00:00:00Z',
  ])('should accept %j', (value) => {
    expect(isIsoDateTime(value)).toBe(true);
  });

  it.each([
    '2024-01-02',
    '2024-01-02T03:04:05',
    '2024-01-02 03:04:05Z',
    '2024-13-02T03:04:05Z',
    '2023-02-29T03:04:05Z',
    '2024-04-31T03:04:05Z',
    '2024-01-02T24:00:00Z',
    '2024-01-02T03:60:00Z',
    '0000-01-02T03:04:05Z',
    '2024-01-02T03:04:05+15:00',
    'not a date at all, but long',
    '2024-01-02T03:04:05Zjunk',
  ])('should reject %j', (value) => {
    expect(isIsoDateTime(value)).toBe(false);
  });
});

describe('inferType', () => {
  it('should map values to column types', () => {
    expect(inferType(42)).toBe('bigint');
    expect(inferType(-7)).toBe('bigint');
    expect(inferType(1.5)).toBe('double');
    expect(inferType(1e20)).toBe('double');
    expect(inferType(true)).toBe('bool');
    expect(inferType('2024-01-02T03:04:05Z')).toBe('timestamp');
    expect(inferType('2024-01-02')).toBe('text');
    expect(inferType('hello')).toBe('text');
    expect(inferType({ a: 1 })).toBe('json');
    expect(inferType([1])).toBe('json');
    expect(inferType(5n)).toBe('bigint');
  });

  it('should type an exact integer within 64 bits as bigint and beyond as decimal', () => {
    expect(inferType(9007199254740993n)).toBe('bigint');
    expect(inferType(2n ** 63n - 1n)).toBe('bigint');
    expect(inferType(-(2n ** 63n))).toBe('bigint');
    expect(inferType(2n ** 63n)).toBe('decimal');
    expect(inferType(-(2n ** 70n))).toBe('decimal');
  });
});

describe('accepts', () => {
  it('should let a double column hold integers but not a bigint column hold fractions', () => {
    expect(accepts('double', 3)).toBe(true);
    expect(accepts('bigint', 3.5)).toBe(false);
    expect(accepts('text', 3)).toBe(false);
    expect(accepts('timestamp', 'yesterday')).toBe(false);
    expect(accepts('json', 'text')).toBe(false);
  });

  it('should let a date column hold date-only strings and a decimal column numeric strings, for hinted columns', () => {
    expect(accepts('date', '2024-01-02')).toBe(true);
    expect(accepts('date', '2024-01-02T03:04:05Z')).toBe(false);
    expect(accepts('decimal', '-12.50')).toBe(true);
    expect(accepts('decimal', 12.5)).toBe(true);
    expect(accepts('decimal', 'twelve')).toBe(false);
  });

  it('should let a bigint column hold exact integers within 64 bits, a decimal column any, a double column none', () => {
    expect(accepts('bigint', 9007199254740993n)).toBe(true);
    expect(accepts('bigint', 2n ** 63n)).toBe(false);
    expect(accepts('decimal', 2n ** 70n)).toBe(true);
    expect(accepts('double', 9007199254740993n)).toBe(false);
  });
});

describe('widenedType', () => {
  it('should widen a bigint column to double for a fraction and to decimal beyond 64 bits', () => {
    expect(widenedType('bigint', 1.5)).toBe('double');
    expect(widenedType('bigint', 2n ** 64n)).toBe('decimal');
    expect(widenedType('bigint', 'text')).toBeUndefined();
    expect(widenedType('double', 2n ** 64n)).toBeUndefined();
  });
});

describe('prepareValue', () => {
  it('should turn a Date into its ISO string', () => {
    expect(prepareValue(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)))).toBe('2024-01-02T03:04:05.000Z');
  });
});
