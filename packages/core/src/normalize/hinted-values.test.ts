import { describe, expect, it } from 'vitest';
import type { ColumnSchema, ColumnType } from '../contracts/schema';
import { hintedValue } from './hinted-values';

const hinted = (type: ColumnType, extra: Partial<ColumnSchema> = {}): ColumnSchema => ({
  name: 'c',
  type,
  nullable: true,
  hinted: true,
  ...extra,
});

describe('hintedValue', () => {
  // [type, value, expected]: undefined means "does not fit" (a variant column).
  const cases: [ColumnType, unknown, unknown][] = [
    ['text', 'a', 'a'],
    ['text', 7, '7'],
    ['text', true, 'true'],
    ['text', 12345678901234567890n, '12345678901234567890'],
    ['text', { a: 1 }, undefined],
    ['bigint', 41, 41],
    ['bigint', '41', 41],
    ['bigint', '-9007199254740993', -9007199254740993n],
    ['bigint', '99999999999999999999', undefined],
    ['bigint', '4.5', undefined],
    ['bigint', 1.5, undefined],
    ['bigint', 'many', undefined],
    ['double', 1.5, 1.5],
    ['double', '1.5e3', 1500],
    ['double', 'n/a', undefined],
    ['bool', true, true],
    ['bool', 'false', false],
    ['bool', 1, undefined],
    ['timestamp', '2024-05-01T10:00:00+02:00', '2024-05-01T10:00:00+02:00'],
    ['timestamp', '2024-05-01T10:00:00', '2024-05-01T10:00:00Z'],
    ['timestamp', '2024-05-01', '2024-05-01T00:00:00Z'],
    ['timestamp', 0, '1970-01-01T00:00:00.000Z'],
    ['timestamp', 'yesterday', undefined],
    ['date', '2024-05-01', '2024-05-01'],
    ['date', '2024-05-01T23:30:00-02:00', '2024-05-02'],
    ['date', 'soon', undefined],
    ['decimal', '12.50', '12.50'],
    ['decimal', 12.5, 12.5],
    ['decimal', 'twelve', undefined],
    ['json', 'ok', 'ok'],
    ['json', [1], [1]],
  ];

  it.each(cases)('should turn a %s hint and %o into %o', (type, value, expected) => {
    expect(hintedValue(hinted(type), value)).toEqual(expected);
  });

  it('should refuse a decimal with more integer digits than precision - scale, and round nothing itself', () => {
    const column = hinted('decimal', { precision: 5, scale: 2 });
    expect(hintedValue(column, 999.999)).toBe(999.999);
    expect(hintedValue(column, '-999.5')).toBe('-999.5');
    expect(hintedValue(column, 1000)).toBeUndefined();
    expect(hintedValue(column, 1000n)).toBeUndefined();
  });
});
