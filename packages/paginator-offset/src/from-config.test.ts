import { ConfigError, type Page, type RequestSpec } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { fromConfig } from './from-config';

const request: RequestSpec = { method: 'POST', url: 'https://api.example.test/search', headers: {} };

function page(body: Record<string, unknown>, from: RequestSpec): Page {
  return {
    resource: 'items',
    index: 0,
    request: from,
    response: { status: 200, headers: new Headers(), body },
    records: body.items as Record<string, unknown>[],
  };
}

describe('fromConfig', () => {
  it('should map every dlt snake_case key', () => {
    const paginator = fromConfig({
      type: 'offset',
      limit: 10,
      offset: 20,
      offset_param: 'skip',
      limit_param: 'take',
      offset_body_path: 'page.from',
      limit_body_path: 'page.size',
      total_path: 'meta.count',
      maximum_offset: 40,
      stop_after_empty_page: false,
      has_more_path: 'meta.more',
    });
    expect(paginator.type).toBe('offset');
    const instance = paginator.create();
    const first = instance.first(request);
    expect(first.json).toEqual({ page: { from: 20, size: 10 } });
    const items = Array.from({ length: 10 }, (_, index) => ({ id: index }));
    const step = instance.next(page({ items, meta: { count: 100, more: true } }, first));
    // 30 < maximum_offset 40 and below the total: one more page.
    expect(step.done).toBe(false);
    const last = instance.next(page({ items, meta: { more: true } }, first));
    expect(last).toEqual({ done: true, reason: 'maximumOffset reached' });
  });

  it('should use query parameters named by offset_param and limit_param', () => {
    const first = fromConfig({ limit: 5, offset_param: 'skip', limit_param: 'take' }).create().first(request);
    expect(first.url).toBe('https://api.example.test/search?skip=0&take=5');
  });

  it('should turn the total off with total_path: null and treat other nulls as not set', () => {
    const instance = fromConfig({ limit: 2, total_path: null, maximum_offset: null }).create();
    const first = instance.first(request);
    const step = instance.next(page({ items: [{}, {}], total: 2 }, first));
    expect(step.done).toBe(false);
  });

  it('should report problems with the snake_case keys the user wrote', () => {
    let error: unknown;
    try {
      fromConfig({ limit: '100', offset_param: 3, maximum_offset: -1, stop_after_empty_page: 'no' });
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual([
      'limit',
      'offset_param',
      'maximum_offset',
      'stop_after_empty_page',
    ]);
  });

  it('should reject an unknown key with a suggestion when one is close', () => {
    const error = configErrorOf(() => fromConfig({ limt: 100 }));
    expect(error.issues).toContainEqual({ path: 'limt', message: 'unknown key; did you mean "limit"?' });
  });

  it("should accept offset()'s camelCase option names in a config, as well as dlt's names", () => {
    expect(fromConfig({ limit: 10, totalPath: 'meta.total' }).type).toBe('offset');
    expect(fromConfig({ limit: 10, total_path: 'meta.total' }).type).toBe('offset');
  });

  it('should list the accepted keys when no key is close', () => {
    const error = configErrorOf(() => fromConfig({ limit: 10, 'page size': 5 }));
    expect(error.issues).toEqual([
      {
        path: '["page size"]',
        message:
          'unknown key (expected one of: limit, offset, offset_param, limit_param, offset_body_path, ' +
          'limit_body_path, total_path, maximum_offset, stop_after_empty_page, has_more_path)',
      },
    ]);
  });

  it('should report unknown keys and wrong values in one error', () => {
    const error = configErrorOf(() =>
      fromConfig({ limit: -1, offest: 5, maximum_ofset: 100, has_more_path: '' }),
    );
    expect(error.issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'offest: unknown key; did you mean "offset"?',
      'maximum_ofset: unknown key; did you mean "maximum_offset"?',
      'limit: expected a positive integer, got -1',
      'has_more_path: expected a JSONPath such as "meta.total", got ""',
    ]);
  });

  it('should reject another paginator type', () => {
    expect(() => fromConfig({ type: 'cursor', limit: 10 })).toThrow(/type: expected "offset", got "cursor"/);
  });
});

function configErrorOf(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}
