import { DestinationError } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { assertIdentifier, fitIdentifier, qualifiedName, quoteIdentifier } from './identifier';

describe('quoteIdentifier', () => {
  it('should wrap names in double quotes and double the quotes inside', () => {
    expect(quoteIdentifier('select')).toBe('"select"');
    expect(quoteIdentifier('x"; DROP TABLE t; --')).toBe('"x""; DROP TABLE t; --"');
    expect(qualifiedName('my schema', 'ünï"code')).toBe('"my schema"."ünï""code"');
  });
});

describe('assertIdentifier', () => {
  it('should accept 63 bytes and reject 64 bytes, counting UTF-8 bytes', () => {
    expect(() => assertIdentifier('a'.repeat(63), 'table')).not.toThrow();
    expect(() => assertIdentifier(`${'ü'.repeat(31)}x`, 'table')).not.toThrow();
    expect(() => assertIdentifier('ü'.repeat(32), 'table')).toThrow(DestinationError);
    expect(() => assertIdentifier('ü'.repeat(32), 'table')).toThrow(/64 bytes long; Postgres allows 63/);
  });

  it('should reject empty names and NUL characters', () => {
    expect(() => assertIdentifier('', 'column')).toThrow(/column name is empty/);
    expect(() => assertIdentifier('a\u0000b', 'column')).toThrow(/NUL/);
  });
});

describe('fitIdentifier', () => {
  it('should keep names that fit and shorten longer ones deterministically to 63 bytes', () => {
    expect(fitIdentifier('short')).toBe('short');
    const long = `_restsync_staging_${'ü'.repeat(31)}x`;
    const fitted = fitIdentifier(long);
    expect(Buffer.byteLength(fitted)).toBeLessThanOrEqual(63);
    expect(fitted).toBe(fitIdentifier(long));
    expect(fitted).not.toBe(fitIdentifier(`${long}y`));
    expect(fitted.startsWith('_restsync_staging_ü')).toBe(true);
  });
});
