import { describe, expect, it } from 'vitest';
import { setQueryParams } from './query-params';

/** What `setQueryParams` must return: the `URL` way, every time. */
function viaUrl(url: string, params: [string, string][]): string {
  const parsed = new URL(url);
  for (const [name, value] of params) parsed.searchParams.set(name, value);
  return parsed.toString();
}

/** A small deterministic generator, so a failure names inputs that reproduce. */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const alphabet = [
    'a',
    'b',
    'Z',
    '0',
    '9',
    '-',
    '.',
    '_',
    '*',
    '~',
    ' ',
    '+',
    '%',
    '%41',
    '%2',
    '=',
    '&',
    '?',
    '/',
    'é',
    '€',
    '😀',
    ';',
    "'",
    '"',
    '#',
  ];
  const text = (max: number) => {
    let result = '';
    const length = Math.floor(next() * (max + 1));
    for (let index = 0; index < length; index++) result += alphabet[Math.floor(next() * alphabet.length)];
    return result;
  };
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)] as T;
  return { next, text, pick };
}

describe('setQueryParams', () => {
  it('sets, replaces and appends parameters as URLSearchParams.set does', () => {
    const first = setQueryParams('https://api.example.com/v1/items?limit=10&offset=0', [['offset', '100']]);
    expect(first).toBe('https://api.example.com/v1/items?limit=10&offset=100');
    // The result is remembered: the next call splices its query.
    const second = setQueryParams(first, [
      ['offset', '200'],
      ['api_key', 'k y+/'],
    ]);
    expect(second).toBe('https://api.example.com/v1/items?limit=10&offset=200&api_key=k+y%2B%2F');
    expect(setQueryParams(second, [['limit', '5']])).toBe(
      'https://api.example.com/v1/items?limit=5&offset=200&api_key=k+y%2B%2F',
    );
  });

  it('keeps the first pair of a repeated name and drops the others', () => {
    const url = setQueryParams('https://api.example.com/?a=1&b=2&a=3', [['b', '9']]);
    expect(url).toBe('https://api.example.com/?a=1&b=9&a=3');
    expect(setQueryParams(url, [['a', 'x']])).toBe('https://api.example.com/?a=x&b=9');
  });

  it('keeps a fragment after the query', () => {
    const url = setQueryParams('https://api.example.com/p?x=1#part?not=query', [['x', '2']]);
    expect(url).toBe('https://api.example.com/p?x=2#part?not=query');
    expect(setQueryParams(url, [['y', 'a#b']])).toBe('https://api.example.com/p?x=2&y=a%23b#part?not=query');
  });

  it('gives what URL gives for random URLs, names and values, set in chains', () => {
    const random = generator(20_261_202);
    const bases = [
      'https://api.example.com/v1/items',
      'http://127.0.0.1:8080/a%20b/c?',
      'https://API.Example.com:443/x/../y?q=a+b&q=%41',
      'https://api.example.com/p?flag&=v&x==1&&y=2#frag ment',
      'https://api.example.com/ü?ä=ö',
    ];
    for (let round = 0; round < 300; round++) {
      let url = random.pick(bases);
      for (let step = 0; step < 4; step++) {
        const count = 1 + Math.floor(random.next() * 3);
        const params: [string, string][] = [];
        for (let index = 0; index < count; index++) {
          params.push([
            random.next() < 0.5 ? random.pick(['offset', 'a', 'q', 'x']) : random.text(4),
            random.text(6),
          ]);
        }
        const expected = viaUrl(url, params);
        const actual = setQueryParams(url, params);
        expect({ url, params, actual }).toEqual({ url, params, actual: expected });
        url = actual;
      }
    }
  });
});

describe('setQueryParams memory', () => {
  it('keeps a URL used again and again while many others pass', () => {
    const template = setQueryParams('https://api.example.com/items?page=1', [['page', '0']]);
    for (let page = 1; page <= 2000; page++) {
      const url = setQueryParams(template, [['page', String(page)]]);
      expect(setQueryParams(url, [['key', 'k']])).toBe(`https://api.example.com/items?page=${page}&key=k`);
    }
  });
});
