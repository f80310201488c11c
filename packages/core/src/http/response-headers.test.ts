import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { responseHeaders } from './response-headers';

/** What `fetch` would give for the same raw pairs: a `Headers` filled by `append`. */
function filled(raw: string[]): Headers {
  const headers = new Headers();
  for (let index = 0; index < raw.length; index += 2)
    headers.append(raw[index] as string, raw[index + 1] as string);
  return headers;
}

const raw = [
  'Content-Type',
  'application/json',
  'Set-Cookie',
  'a=1; Path=/',
  'X-Trace',
  '  padded\t',
  'set-cookie',
  'b=2',
  'Link',
  '<https://api.example.com/items?page=2>; rel="next"',
  'x-trace',
  'second',
];

describe('response headers', () => {
  it('should answer get and has like Headers, before anything fills them', () => {
    const headers = responseHeaders(raw);
    const expected = filled(raw);
    for (const name of ['content-type', 'CONTENT-TYPE', 'set-cookie', 'x-trace', 'Link', 'missing']) {
      expect(headers.get(name)).toBe(expected.get(name));
      expect(headers.has(name)).toBe(expected.has(name));
    }
    expect(headers.get('x-trace')).toBe('padded, second');
  });

  it('should iterate, copy and list cookies like Headers', () => {
    const expected = filled(raw);
    expect([...responseHeaders(raw)]).toEqual([...expected]);
    expect([...responseHeaders(raw).entries()]).toEqual([...expected.entries()]);
    expect([...responseHeaders(raw).keys()]).toEqual([...expected.keys()]);
    expect([...responseHeaders(raw).values()]).toEqual([...expected.values()]);
    expect(Object.fromEntries(responseHeaders(raw))).toEqual(Object.fromEntries(expected));
    expect([...new Headers(responseHeaders(raw))]).toEqual([...expected]);
    expect(responseHeaders(raw).getSetCookie()).toEqual(['a=1; Path=/', 'b=2']);
    const seen: string[] = [];
    responseHeaders(raw).forEach((value, name) => {
      seen.push(`${name}=${value}`);
    });
    expect(seen).toEqual([...expected].map(([name, value]) => `${name}=${value}`));
  });

  it('should be a Headers that can be changed, with reads after a change seeing it', () => {
    const headers = responseHeaders(raw);
    expect(headers).toBeInstanceOf(Headers);
    headers.delete('content-type');
    headers.set('x-trace', 'replaced');
    headers.append('x-new', 'one');
    expect(headers.get('content-type')).toBeNull();
    expect(headers.get('x-trace')).toBe('replaced');
    expect(headers.get('x-new')).toBe('one');
    expect(headers.has('link')).toBe(true);
  });

  it('should reject a name Headers rejects', () => {
    expect(() => responseHeaders(raw).get('bad name')).toThrow(TypeError);
    expect(() => new Headers().get('bad name')).toThrow(TypeError);
  });

  it('should show its headers when inspected', () => {
    expect(inspect(responseHeaders(raw))).toContain('application/json');
  });
});
