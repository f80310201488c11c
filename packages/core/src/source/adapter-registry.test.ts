import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAdapter } from '../adapters/define-adapter';
import type { Destination } from '../contracts/destination';
import { singlePage } from '../contracts/paginator';
import {
  adapterPackageName,
  builtInAdapters,
  createAdapterRegistry,
  mergeAdapterRegistries,
  resolveAdapterType,
  resolveDestinationUrl,
} from './adapter-registry';

const registry = mergeAdapterRegistries(
  createAdapterRegistry({ paginators: { page_cursor: () => singlePage() } }),
  builtInAdapters,
);

describe('resolveAdapterType', () => {
  it('should resolve a registered type first, then an official package', () => {
    expect(resolveAdapterType('paginator', 'page_cursor', registry).status).toBe('registered');
    expect(resolveAdapterType('paginator', 'offset', registry)).toEqual({
      status: 'package',
      packageName: '@restsync/paginator-offset',
    });
    expect(resolveAdapterType('auth', 'api_key', registry)).toEqual({
      status: 'package',
      packageName: '@restsync/auth-api-key',
    });
  });

  it('should resolve a third-party package named by the convention to that package', () => {
    for (const type of ['restsync-paginator-scroll', '@acme/restsync-paginator-scroll']) {
      expect(resolveAdapterType('paginator', type, registry)).toEqual({
        status: 'package',
        packageName: type,
      });
    }
    // The convention names the kind: an auth package is not a paginator.
    expect(resolveAdapterType('paginator', '@acme/restsync-auth-token', registry).status).toBe('unknown');
  });

  // Regression: an unknown type used to send the user to install @restsync/paginator-<type>, which does not exist.
  it('should list the available types with a suggestion, and never ask to install a package that does not exist', () => {
    const resolution = resolveAdapterType('paginator', 'ofset', registry);
    expect(resolution).toEqual({
      status: 'unknown',
      message:
        'paginator type "ofset" is not available; did you mean "offset"? Available types: cursor, ' +
        'header_cursor, header_link, json_link, json_response, offset, page_cursor, page_number, single_page. A third-party paginator is named by its package: ' +
        'restsync-paginator-<name> or @<scope>/restsync-paginator-<name>',
    });
    const cursor = resolveAdapterType('paginator', 'json_cursor', registry);
    expect(cursor.status === 'unknown' && cursor.message).not.toMatch(/install|@restsync\/paginator-json/);
    expect(adapterPackageName('paginator', 'json_cursor')).toBeUndefined();
  });
});

describe('resolveDestinationUrl', () => {
  const memory = defineAdapter({
    kind: 'destination',
    type: 'memory',
    schemes: ['memory'],
    options: z.object({ url: z.string() }),
    create: () => ({ kind: 'destination', type: 'memory' }) as unknown as Destination,
  });
  const withMemory = createAdapterRegistry({ adapters: [memory] });

  it('should find a registered destination by its URL scheme, in any case', () => {
    expect(resolveDestinationUrl('MEMORY:x', withMemory)).toEqual({ status: 'registered', build: memory });
  });

  it('should resolve the official schemes to their packages', () => {
    const packages = [
      'postgres://h/db',
      'postgresql://h/db',
      'pglite:./data',
      'mongodb://h',
      'mongodb+srv://h',
    ].map((url) => {
      const resolution = resolveDestinationUrl(url, withMemory);
      return resolution.status === 'package' ? resolution.packageName : resolution.status;
    });
    expect(packages).toEqual([
      '@restsync/destination-postgres',
      '@restsync/destination-postgres',
      '@restsync/destination-postgres',
      '@restsync/destination-mongodb',
      '@restsync/destination-mongodb',
    ]);
  });

  it('should list the supported schemes for an unknown one, with a suggestion', () => {
    expect(resolveDestinationUrl('postgre://h/db', withMemory)).toEqual({
      status: 'unknown',
      message:
        'unsupported destination scheme "postgre:"; did you mean "postgres:"? Supported schemes: memory:, ' +
        'postgres:, postgresql:, pglite:, mongodb:, mongodb+srv:',
    });
  });
});
