import { describe, expect, it } from 'vitest';
import { parseExactJson, stringifyExactJson } from './exact-json';

describe('parseExactJson', () => {
  it('should parse a text without long numbers exactly like JSON.parse', () => {
    const text = '{"items":[{"id":1,"price":12.5,"name":"a","tags":[true,null]}],"total":123456789012345}';

    expect(parseExactJson(text)).toEqual(JSON.parse(text));
  });

  // Regression: ids around 2^53 were rounded by JSON.parse, so two records collapsed into one row.
  it('should keep integers beyond 2^53 exact as bigints', () => {
    const parsed = parseExactJson(
      '[{"id":9007199254740993,"amount":9007199254740993},{"id":9007199254740992},{"id":-9007199254740995}]',
    );

    expect(parsed).toEqual([
      { id: 9007199254740993n, amount: 9007199254740993n },
      { id: 9007199254740992n },
      { id: -9007199254740995n },
    ]);
  });

  it('should keep integers beyond 64 bits exact', () => {
    expect(parseExactJson('{"big": 123456789012345678901234567890}')).toEqual({
      big: 123456789012345678901234567890n,
    });
  });

  it('should keep safe integers with 16 digits and long fractions as numbers', () => {
    expect(parseExactJson('[9007199254740991, 1234567890123456.5, 12345678901234567e2]')).toEqual([
      9007199254740991,
      1234567890123456.5,
      Number('12345678901234567e2'),
    ]);
  });

  it('should leave long digit runs inside strings and keys as text', () => {
    const text = '{"12345678901234567890":"a,12345678901234567890","escaped":"\\",12345678901234567890"}';

    expect(parseExactJson(text)).toEqual(JSON.parse(text));
  });

  it('should take the last of duplicate keys, as JSON.parse does', () => {
    expect(parseExactJson('{"id": 9007199254740993, "id": 9007199254740995}')).toEqual({
      id: 9007199254740995n,
    });
  });

  it('should parse a string that looks like the bigint marker as a string', () => {
    const text = '{"note":"restsync-bigint-0011223344556677:1","id":9007199254740993}';

    expect(parseExactJson(text)).toEqual({
      note: 'restsync-bigint-0011223344556677:1',
      id: 9007199254740993n,
    });
  });

  it('should throw the SyntaxError of JSON.parse for invalid text with long numbers', () => {
    for (const text of [
      '[12345678901234567890',
      '{"a": 012345678901234567890}',
      '[12345678901234567890 1]',
    ]) {
      expect(() => parseExactJson(text)).toThrow(SyntaxError);
    }
  });
});

describe('stringifyExactJson', () => {
  it('should write bigints as their exact digits', () => {
    expect(
      stringifyExactJson({ id: 9007199254740993n, nested: [-123456789012345678901234567890n, 'x'] }),
    ).toBe('{"id":9007199254740993,"nested":[-123456789012345678901234567890,"x"]}');
  });

  it('should serialize values without bigints like JSON.stringify', () => {
    const value = { a: 1, b: 'restsync-bigint-x:1', c: [null, true] };

    expect(stringifyExactJson(value)).toBe(JSON.stringify(value));
  });
});
