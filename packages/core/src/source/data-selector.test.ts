import { describe, expect, it } from 'vitest';
import { ResponseError } from '../errors';
import { checkDataSelector, compileDataSelector } from './data-selector';

const page = {
  resource: 'items',
  index: 3,
  request: { method: 'GET', url: 'https://api.example.com/items', headers: {} },
};

describe('compileDataSelector', () => {
  it('should auto-detect a list body, a list under a conventional key, and a single object', () => {
    const select = compileDataSelector(undefined);

    expect(select([{ id: 1 }, { id: 2 }], page)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(select({ total: 2, results: [{ id: 1 }] }, page)).toEqual([{ id: 1 }]);
    expect(select({ meta: {}, data: [{ id: 1 }], items: [{ id: 2 }] }, page)).toEqual([{ id: 1 }]);
    expect(select({ id: 7, tags: [{ t: 1 }] }, page)).toEqual([{ id: 7, tags: [{ t: 1 }] }]);
    expect(select(undefined, page)).toEqual([]);
    expect(select({}, page)).toEqual([]);
  });

  it('should read plain, dotted and $-prefixed selectors', () => {
    const body = { data: { items: [{ id: 1 }, { id: 2 }] } };

    expect(compileDataSelector('data.items')(body, page)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(compileDataSelector('$.data.items')(body, page)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(compileDataSelector('data')({ data: { id: 9 } }, page)).toEqual([{ id: 9 }]);
    expect(compileDataSelector('$')({ id: 9 }, page)).toEqual([{ id: 9 }]);
    expect(compileDataSelector('data')({ data: [1, 2] }, page)).toEqual([{ value: 1 }, { value: 2 }]);
  });

  it('should run full JSONPath expressions', () => {
    const body = {
      data: [
        { id: 1, active: true },
        { id: 2, active: false },
      ],
      more: { data: [{ id: 3, active: true }] },
    };

    expect(compileDataSelector('$.data[?(@.active == true)]')(body, page)).toEqual([{ id: 1, active: true }]);
    // As in dlt (jsonpath-ng), a filter without an operator tests that the field exists.
    expect(compileDataSelector('data[?(@.active)]')(body, page)).toHaveLength(2);
    expect(compileDataSelector('data[-1].id')(body, page)).toEqual([{ value: 2 }]);
    expect(compileDataSelector("['more']['data']")(body, page)).toEqual([{ id: 3, active: true }]);
    expect(compileDataSelector('$..data[*]')(body, page).map((record) => record.id)).toEqual([1, 2, 3]);
  });

  it('should fail on a non-empty body the selector does not match, naming resource, page, selector and keys', () => {
    const select = compileDataSelector('data');
    const jsonPath = compileDataSelector('$.data[*]');

    expect(() => select({ results: [], next: null }, page)).toThrow(ResponseError);
    expect(() => select({ results: [], next: null }, page)).toThrow(
      'resource "items", page 3: data selector "data" matched nothing in the response (keys present: results, next)',
    );
    expect(() => jsonPath([{ id: 1 }], page)).toThrow('(the body is a list)');
    expect(select({}, page)).toEqual([]);
    expect(select({ data: null }, page)).toEqual([]);
  });

  it('should take the whole body for a single-entity endpoint without a selector', () => {
    expect(compileDataSelector(undefined, { wholeBody: true })({ data: [{ id: 1 }], id: 5 }, page)).toEqual([
      { data: [{ id: 1 }], id: 5 },
    ]);
  });
});

describe('checkDataSelector', () => {
  it('should accept valid selectors and report broken JSONPath', () => {
    expect(checkDataSelector('data.items')).toBeUndefined();
    expect(checkDataSelector('$.data[?(@.price > 10)]')).toBeUndefined();
    expect(checkDataSelector('$.data[?(@.a==)]')).toContain('is not a valid JSONPath');
    expect(checkDataSelector('$.data[0')).toContain('the path ends too early');
  });
});
