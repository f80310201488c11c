import { describe, expect, it } from 'vitest';
import { escapeFieldName, renameKeysDeep, unescapeFieldName } from './field-names';

describe('escapeFieldName', () => {
  it('should replace a leading $, every dot and every NUL with look-alike characters', () => {
    expect(escapeFieldName('$set')).toBe('\uFF04set');
    expect(escapeFieldName('a.b.c')).toBe('a\uFF0Eb\uFF0Ec');
    expect(escapeFieldName('nul\u0000byte')).toBe('nul\u2400byte');
    expect(escapeFieldName('$.')).toBe('\uFF04\uFF0E');
  });

  it('should keep names MongoDB accepts, including a $ after the first character', () => {
    expect(escapeFieldName('price$')).toBe('price$');
    expect(escapeFieldName('user_id')).toBe('user_id');
    expect(escapeFieldName('ünïcode ✓')).toBe('ünïcode ✓');
  });
});

describe('unescapeFieldName', () => {
  it('should reverse escapeFieldName', () => {
    for (const name of ['$set', 'a.b', '$a.b$c', 'nul\u0000', 'plain']) {
      expect(unescapeFieldName(escapeFieldName(name))).toBe(name);
    }
  });
});

describe('renameKeysDeep', () => {
  it('should rename keys in nested objects and inside arrays, dropping undefined values', () => {
    expect(
      renameKeysDeep(
        { $a: { 'b.c': [{ $d: 1 }, 2], gone: undefined }, list: [[{ 'e.f': null }]] },
        escapeFieldName,
      ),
    ).toEqual({ '\uFF04a': { 'b\uFF0Ec': [{ '\uFF04d': 1 }, 2] }, list: [[{ 'e\uFF0Ef': null }]] });
  });

  it('should reject a circular value instead of overflowing the stack', () => {
    const circular: Record<string, unknown> = { offset: 1 };
    circular.self = circular;
    expect(() => renameKeysDeep(circular, escapeFieldName)).toThrow(/circular reference/);
  });

  it('should accept the same object twice when it is not its own ancestor', () => {
    const shared = { a: 1 };
    expect(renameKeysDeep({ left: shared, right: shared }, escapeFieldName)).toEqual({
      left: { a: 1 },
      right: { a: 1 },
    });
  });
});
