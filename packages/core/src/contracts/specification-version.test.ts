import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { memoryDestination } from '../pipeline/__fixtures__/memory-destination';
import { memorySource } from '../pipeline/__fixtures__/memory-source';
import { pipeline } from '../pipeline/pipeline';
import { pages, queryKey } from '../source/__fixtures__/test-adapters';
import { restApiSource } from '../source/rest-api-source';
import { singlePage } from './paginator';
import { type AdapterContractKind, assertSpecificationVersion } from './specification-version';

function caught(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

const kinds: AdapterContractKind[] = ['paginator', 'auth', 'destination', 'source'];

describe('assertSpecificationVersion', () => {
  it.each(kinds)('should accept a %s that declares v1', (kind) => {
    expect(() =>
      assertSpecificationVersion(kind, { kind, type: 'example', specificationVersion: 'v1' }),
    ).not.toThrow();
  });

  it.each(kinds)('should reject a %s of an unknown version, naming it, the version and v1', (kind) => {
    const error = caught(() =>
      assertSpecificationVersion(kind, { kind, type: 'example', specificationVersion: 'v2' }),
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain(`${kind} "example" declares specificationVersion "v2"`);
    expect(message).toContain('supports specificationVersion "v1"');
    expect(message).toContain('Upgrade @restsync/core or the adapter');
  });

  it.each(kinds)('should reject a %s without a version', (kind) => {
    const error = caught(() => assertSpecificationVersion(kind, { kind, type: 'example' }));
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(`${kind} "example" declares no specificationVersion`);
  });

  it('should put the configured path on the issue', () => {
    const error = caught(() =>
      assertSpecificationVersion('destination', { kind: 'destination' }, 'destination'),
    );
    expect((error as ConfigError).issues).toEqual([
      {
        path: 'destination',
        message: expect.stringContaining('destination declares no specificationVersion'),
      },
    ]);
  });
});

describe('engine entry points', () => {
  it('should reject a destination of an unknown version in pipeline()', () => {
    const destination = { ...memoryDestination(), specificationVersion: 'v9' as 'v1' };
    const error = caught(() => pipeline({ name: 'test', destination }));
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('destination "memory" declares specificationVersion "v9"');
  });

  it('should reject a source without a version in pipeline.run() before opening the destination', async () => {
    const destination = memoryDestination();
    const { specificationVersion: _version, ...source } = memorySource({ pageSize: 10, records: [] });
    const error = await pipeline({ name: 'test', destination })
      .run(source as typeof source & { specificationVersion: 'v1' })
      .catch((failure: unknown) => failure);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('source "memory" declares no specificationVersion');
    expect(destination.store.loads.size).toBe(0);
  });

  it('should reject a paginator and an auth of unknown versions when the source is built, with their paths', () => {
    const error = caught(() =>
      restApiSource({
        client: {
          baseUrl: 'http://api.test',
          auth: { ...queryKey('key-value'), specificationVersion: 'v0' as 'v1' },
        },
        resources: [
          {
            name: 'items',
            endpoint: { paginator: { ...pages({ size: 2 }), specificationVersion: 'v2' as 'v1' } },
          },
          { name: 'others', endpoint: { paginator: singlePage() } },
        ],
      }),
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues).toEqual([
      {
        path: 'client.auth',
        message: expect.stringContaining('auth "query_key" declares specificationVersion "v0"'),
      },
      {
        path: 'resources[0].endpoint.paginator',
        message: expect.stringContaining('paginator "page" declares specificationVersion "v2"'),
      },
    ]);
  });
});
