import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { singlePage } from '../contracts/paginator';
import { ConfigError } from '../errors';
import { defineAdapter, isAdapterDefinition } from './define-adapter';
import { option } from './option-schemas';

const created: unknown[] = [];
const pager = defineAdapter({
  kind: 'paginator',
  type: 'pager',
  options: z.object({ pageSize: option.positiveInteger(), pageParam: option.name().default('page') }),
  create: (options) => {
    created.push(options);
    return singlePage();
  },
});

describe('defineAdapter', () => {
  it('should build from code options and from a config object alike', () => {
    created.length = 0;
    pager.create({ pageSize: 10 });
    pager.fromConfig({ type: 'pager', page_size: 10, page_param: 'p' });
    expect(created).toEqual([
      { pageSize: 10, pageParam: 'page' },
      { pageSize: 10, pageParam: 'p' },
    ]);
  });

  it('should reject a config object of another type together with its other problems', () => {
    let error: unknown;
    try {
      pager.fromConfig({ type: 'cursor', page_sise: 10 });
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error) && error.issues).toEqual([
      { path: 'type', message: 'expected "pager", got "cursor"' },
      { path: 'page_sise', message: 'unknown key; did you mean "page_size"?' },
      { path: 'page_size', message: 'expected a positive integer, got nothing' },
    ]);
  });

  it('should give the JSON Schema of its config object, type included', () => {
    expect(pager.jsonSchema()).toMatchObject({
      type: 'object',
      properties: {
        type: { const: 'pager' },
        page_size: { type: 'integer' },
        page_param: { default: 'page' },
      },
      required: ['type', 'page_size'],
      additionalProperties: false,
    });
  });

  it('should be told apart from the adapters it builds', () => {
    expect(isAdapterDefinition(pager, 'paginator')).toBe(true);
    expect(isAdapterDefinition(pager, 'auth')).toBe(false);
    expect(isAdapterDefinition(singlePage())).toBe(false);
  });
});
