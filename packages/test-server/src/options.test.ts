import { describe, expect, it } from 'vitest';
import { TestServerOptionsError } from './errors';
import { type ReferenceApiOptions, resolveReferenceApiOptions } from './options';

describe('resolveReferenceApiOptions', () => {
  it('should apply the documented defaults', () => {
    expect(resolveReferenceApiOptions()).toMatchObject({
      records: 1000,
      apiKeyParam: 'api_key',
      maxLimit: 1000,
      defaultLimit: 100,
      includeTotal: true,
      latencyMs: 0,
      slowMs: 2000,
      retryAfterSeconds: 1,
      generation: 1,
    });
  });

  it('should take retryAfterSeconds from faults over the top-level option', () => {
    expect(
      resolveReferenceApiOptions({ retryAfterSeconds: 5, faults: { rate: 0, retryAfterSeconds: 0 } })
        .retryAfterSeconds,
    ).toBe(0);
  });

  it('should report every invalid option with its path', () => {
    const options = {
      records: -1,
      maxLimit: 0,
      faults: { rate: 2, kinds: ['503', 'teapot'] },
      script: { 0: '503' },
    } as unknown as ReferenceApiOptions;
    const error = (() => {
      try {
        resolveReferenceApiOptions(options);
      } catch (caught) {
        return caught;
      }
    })();
    expect(TestServerOptionsError.isInstance(error)).toBe(true);
    expect((error as TestServerOptionsError).issues.map((issue) => issue.path)).toEqual([
      'records',
      'maxLimit',
      'faults.rate',
      'faults.kinds[1]',
      'script.0',
    ]);
  });
});
