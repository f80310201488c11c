import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { checkJsonPath, compileJsonPath, findJsonPath, readJsonPath } from './json-path';

const body = {
  data: [
    { id: 1, name: 'ada', price: 5, active: true, 'user-id': 'u1', tags: ['a'] },
    { id: 2, name: 'bob', price: 15, active: false, 'user-id': 'u2', tags: [] },
    { id: 3, name: 'cy', price: 25, tags: ['b', 'c'] },
  ],
  '@odata.nextLink': 'https://graph.example.test/users?$skiptoken=abc',
  '@odata.count': 3,
  'meta.v2': { total: 30 },
  meta: { total: 3, has_more: false, cursors: { next: 'c3' } },
  next: null,
  _links: { next: { href: '/page/2' } },
};

// The path forms dlt documents (jsonpath-ng's extended syntax), each with what dlt selects.
const dltForms: [path: string, expected: unknown[]][] = [
  // Plain and dotted paths, with and without `$`.
  ['meta.total', [3]],
  ['$.meta.total', [3]],
  ['meta.cursors.next', ['c3']],
  ['next', [null]],
  ['_links.next.href', ['/page/2']],
  ['$', [body]],
  // Bracketed keys with dots and `@`, with and without `$`, in single and double quotes.
  ["['@odata.nextLink']", ['https://graph.example.test/users?$skiptoken=abc']],
  ["$['@odata.nextLink']", ['https://graph.example.test/users?$skiptoken=abc']],
  ['["@odata.nextLink"]', ['https://graph.example.test/users?$skiptoken=abc']],
  ['$["@odata.count"]', [3]],
  ["$['meta.v2'].total", [30]],
  ["'meta.v2'.total", [30]],
  ['data[0].user-id', ['u1']],
  ["data[0]['user-id']", ['u1']],
  // Indexes, negative indexes, slices and unions.
  ['data[0].id', [1]],
  ['data[-1].id', [3]],
  ['$.data[-1].id', [3]],
  ['data[-2].name', ['bob']],
  ['data[0:2].id', [1, 2]],
  ['data[1:].id', [2, 3]],
  ['data[0,2].id', [1, 3]],
  // Wildcards and descendants.
  ['data[*].id', [1, 2, 3]],
  ['$.data[*].name', ['ada', 'bob', 'cy']],
  ['data.[*].id', [1, 2, 3]],
  ['$..total', [30, 3]],
  ['$.meta.*', [3, false, { next: 'c3' }]],
  // Filters: jsonpath-ng's `?(...)`, bare field names, `=`, `&`, `=~`, and RFC 9535's forms.
  ['data[?(@.price > 10)].id', [2, 3]],
  ['data[?price > 10].id', [2, 3]],
  ['data[?(@.price > 10 & @.price < 20)].id', [2]],
  ['data[?(@.price >= 15 && @.id != 3)].id', [2]],
  ['data[?(@.name = "cy")].id', [3]],
  ["data[?(@.name == 'ada')].id", [1]],
  ["data[?(@.name =~ '^b')].id", [2]],
  ['data[?(@.active == true)].id', [1]],
  // jsonpath-ng's filter without an operator tests that the field exists, as RFC 9535's does.
  ['data[?(@.active)].id', [1, 2]],
  ['data[?(!@.active)].id', [3]],
  ['data[?length(@.tags) > 1].id', [3]],
  ['$..[?(@.id == 2)].name', ['bob']],
];

describe('compileJsonPath', () => {
  it.each(dltForms)('should read %s as dlt does', (path, expected) => {
    expect(compileJsonPath(path).find(body)).toEqual(expected);
  });

  it('should select nothing (not throw) where a step is missing or has the wrong type', () => {
    expect(findJsonPath(body, 'meta.total.value')).toEqual([]);
    expect(findJsonPath(body, 'data.id')).toEqual([]);
    expect(findJsonPath(body, 'data[9].id')).toEqual([]);
    expect(findJsonPath(body, 'data[-9].id')).toEqual([]);
    expect(findJsonPath(body, "['@odata.missing']")).toEqual([]);
    expect(findJsonPath(undefined, 'data[*]')).toEqual([]);
    expect(findJsonPath('text', 'meta.total')).toEqual([]);
    expect(findJsonPath([{ id: 1 }], 'id')).toEqual([]);
  });

  it('should read a plain dotted path without the JSONPath engine and a bracketed one with it', () => {
    expect(compileJsonPath('$.meta.cursors.next').members).toEqual(['meta', 'cursors', 'next']);
    expect(compileJsonPath('$').members).toEqual([]);
    expect(compileJsonPath('data[-1].id').members).toBeUndefined();
    expect(compileJsonPath("['@odata.nextLink']").normalized).toBe('$["@odata.nextLink"]');
  });

  it('should compile a path once and hand back the same compiled path', () => {
    expect(compileJsonPath('data[?(@.price > 10)].id')).toBe(compileJsonPath('data[?(@.price > 10)].id'));
  });

  it('should report a broken path as a ConfigError naming the option, the path and the problem', () => {
    let error: unknown;
    try {
      compileJsonPath('data[?(@.price > 10]', 'cursor_path');
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues).toEqual([
      {
        path: 'cursor_path',
        message: expect.stringContaining('"data[?(@.price > 10]" is not a valid JSONPath'),
      },
    ]);
  });

  it.each([
    ['', 'the path is empty'],
    ['data[', 'ends too early'],
    ["['@odata.nextLink]", 'not closed'],
    ['data[1.5]', 'unexpected'],
    ['a | b', 'union of paths'],
    ['data where id', '"where" operator is not supported'],
    ['`this`', 'named operators'],
    ['$.data[?@.tags[*] == 1]', 'not a valid JSONPath'],
  ])('should refuse %j with a message saying why', (path, problem) => {
    expect(checkJsonPath(path)).toContain(problem);
  });
});

describe('readJsonPath', () => {
  it('should return the first value selected, or undefined when nothing is', () => {
    expect(readJsonPath(body, 'data[-1].id')).toBe(3);
    expect(readJsonPath(body, 'data[*].id')).toBe(1);
    expect(readJsonPath(body, 'next')).toBeNull();
    expect(readJsonPath(body, 'missing')).toBeUndefined();
    expect(readJsonPath(body, compileJsonPath("['@odata.count']"))).toBe(3);
  });
});
