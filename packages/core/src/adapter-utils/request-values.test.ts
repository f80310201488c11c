import { describe, expect, it } from 'vitest';
import type { RequestSpec } from '../contracts/request';
import { PaginationError } from '../errors';
import { readJsonPath } from '../json-path/json-path';
import { setRequestValue } from './request-values';

const request: RequestSpec = {
  method: 'POST',
  url: 'https://api.example.test/search?status=open',
  headers: {},
  json: { filter: { a: 1 } },
};

describe('setRequestValue', () => {
  it('should set a query parameter and keep the others', () => {
    expect(setRequestValue(request, { query: 'page' }, 2).url).toBe(
      'https://api.example.test/search?status=open&page=2',
    );
  });

  it('should set a body value in a copy, creating the objects on the path', () => {
    const input = structuredClone(request);
    expect(setRequestValue(input, { body: 'page.number' }, 3).json).toEqual({
      filter: { a: 1 },
      page: { number: 3 },
    });
    expect(input).toEqual(request);
  });

  it('should fail clearly when the body is not an object', () => {
    expect(() =>
      setRequestValue({ ...request, json: [1] }, { body: 'page', option: 'pageBodyPath' }, 1),
    ).toThrow(PaginationError);
    expect(() =>
      setRequestValue({ ...request, json: [1] }, { body: 'page', option: 'pageBodyPath' }, 1),
    ).toThrow(/cannot set pageBodyPath "page" in the request body/);
  });
});

describe('readJsonPath', () => {
  it('should read dot paths and dlt JSONPath paths, undefined when a step is missing', () => {
    const body = { meta: { total: 5 } };
    expect(readJsonPath(body, 'meta.total')).toBe(5);
    expect(readJsonPath(body, '$.meta.total')).toBe(5);
    expect(readJsonPath(body, 'meta.total.value')).toBeUndefined();
  });
});
