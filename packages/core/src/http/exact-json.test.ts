import { describe, expect, it } from 'vitest';
import { hasLongNumberToken, parseExactJson, stringifyExactJson } from './exact-json';

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

describe('hasLongNumberToken', () => {
  // It reads one character in 16: a long number must be found wherever it starts and ends.
  it('should find an unsafe integer at every position of a page', () => {
    for (let padding = 0; padding < 40; padding++) {
      const text = `{"name":"${'x'.repeat(padding)}","id":9007199254740993,"n":1}`;

      expect(hasLongNumberToken(text)).toBe(true);
      expect(parseExactJson(text)).toEqual({ name: 'x'.repeat(padding), id: 9007199254740993n, n: 1 });
    }
  });

  it('should find a long number only where a JSON value starts, not 15 digits, fractions or words', () => {
    const cases: [string, boolean][] = [
      ['12345678901234567', true],
      ['-12345678901234567', true],
      ['[ \t\n\r-12345678901234567]', true],
      ['{"a":1,\n 12345678901234567}', true],
      ['{"a": -1234567890123456}', true],
      [`[${'123456789012345,'.repeat(20)}1]`, false],
      ['[0.30000000000000004, 1.1234567890123456789]', false],
      ['{"id":"a12345678901234567890"}', false],
      ['{"id":"x-12345678901234567890"}', false],
      ['', false],
    ];
    for (const [text, found] of cases) {
      expect({ text, found: hasLongNumberToken(text) }).toEqual({ text, found });
    }
  });

  it('should agree with the number-token pattern on random JSON-like text', () => {
    const pattern = /(?:^|[:,[])[ \t\n\r]*-?\d{16}/;
    const pieces = [
      '1',
      '9',
      '0',
      '12345',
      '1234567890',
      '-',
      ' ',
      '\n',
      ':',
      ',',
      '[',
      ']',
      '"',
      'a',
      '.',
      'e',
    ];
    let state = 7;
    const next = () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    for (let round = 0; round < 2000; round++) {
      let text = '';
      const count = Math.floor(next() * 40);
      for (let index = 0; index < count; index++) text += pieces[Math.floor(next() * pieces.length)];
      expect({ text, found: hasLongNumberToken(text) }).toEqual({ text, found: pattern.test(text) });
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
