import { describe, expect, it } from 'vitest';
import { compareCursorValues, cursorKind, namedConversions } from './cursor-values';

describe('cursorKind', () => {
  it('should tell timestamps, dates, numbers and strings apart', () => {
    expect(cursorKind('2024-01-01T00:00:00+05:30')).toBe('timestamp');
    expect(cursorKind('2024-01-01')).toBe('date');
    expect(cursorKind(3)).toBe('number');
    expect(cursorKind(3n)).toBe('number');
    expect(cursorKind('abc')).toBe('string');
    expect(cursorKind({})).toBeUndefined();
  });
});

describe('compareCursorValues', () => {
  it('should compare a date with a timestamp as its midnight UTC, and refuse a number with a string', () => {
    expect(compareCursorValues('2024-01-02', '2024-01-01T23:59:59Z')).toBe(1);
    expect(() => compareCursorValues(1, 'a')).toThrow(TypeError);
  });
});

describe('namedConversions', () => {
  it('should convert ISO timestamps to epoch seconds and milliseconds, and to their date', () => {
    expect(namedConversions.epoch_seconds('1970-01-02T00:00:01.500Z')).toBe(86401);
    expect(namedConversions.epoch_milliseconds('1970-01-01T00:00:01+00:00')).toBe(1000);
    expect(namedConversions.date('2024-03-04T23:00:00-02:00')).toBe('2024-03-05');
    // dlt's test: epoch seconds as text become their date.
    expect(namedConversions.date('86401')).toBe('1970-01-02');
  });
});
