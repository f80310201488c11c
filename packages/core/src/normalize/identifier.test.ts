import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { normalizeIdentifier } from './identifier';

describe('normalizeIdentifier', () => {
  it.each([
    ['userId', 'user_id'],
    ['user-id', 'user_id'],
    ['user_id', 'user_id'],
    ['a.b', 'a_b'],
    ['UserID', 'user_id'],
    ['HTMLParser', 'html_parser'],
    ['userIDs', 'user_ids'],
    ['First Name', 'first_name'],
    ['  padded  ', 'padded'],
    ['price($)', 'price'],
    ['a__b', 'a_b'],
    ['a - b', 'a_b'],
    ['name_', 'name'],
    ['_id', '_id'],
    ['__v', '_v'],
    ['1st', '_1st'],
    ['prénom', 'prenom'],
    ['select', 'select'],
  ])('should normalize %j to %j', (name, expected) => {
    expect(normalizeIdentifier(name)).toBe(expected);
  });

  it('should never produce the nesting separator "__" from one name', () => {
    for (const name of ['a__b', 'a_-_b', 'x..y', '__init__', 'A_B', 'a_B']) {
      expect(normalizeIdentifier(name)).not.toContain('__');
    }
  });

  it('should give a name without any usable character a stable hashed name', () => {
    const name = normalizeIdentifier('名前');
    expect(name).toMatch(/^_[0-9a-f]{8}$/);
    expect(normalizeIdentifier('名前')).toBe(name);
    expect(normalizeIdentifier('')).toMatch(/^_[0-9a-f]{8}$/);
    expect(normalizeIdentifier('住所')).not.toBe(name);
  });

  it('should truncate a 70-character name to 63 bytes ending in a hash of the full name', () => {
    const long = `${'a'.repeat(60)}_ten_chars`;
    expect(long).toHaveLength(70);
    const name = normalizeIdentifier(long);
    expect(name).toHaveLength(63);
    expect(name).toMatch(/^a{54}_[0-9a-f]{8}$/);
    expect(normalizeIdentifier(long)).toBe(name);
    expect(normalizeIdentifier(`${'a'.repeat(60)}_ten_charz`)).not.toBe(name);
  });

  it('should respect a custom length limit and never end the prefix with "__"', () => {
    const name = normalizeIdentifier('abcdefg_hijklmnop', 16);
    expect(name.length).toBeLessThanOrEqual(16);
    expect(name).toMatch(/^abcdefg_[0-9a-f]{8}$/);
  });

  it('should keep a name that fits the limit exactly', () => {
    const exact = 'b'.repeat(63);
    expect(normalizeIdentifier(exact)).toBe(exact);
  });

  it('should reject a length limit too small to hold a hash', () => {
    expect(() => normalizeIdentifier('user', 8)).toThrow(ConfigError);
  });
});
