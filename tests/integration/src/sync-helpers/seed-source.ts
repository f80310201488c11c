import { apiKey } from '@restsync/auth-api-key';
import { type ResourceDefaultsConfig, restApiSource, type Source, secret } from '@restsync/core';
import { offset } from '@restsync/paginator-offset';
import { type ReferenceApi, startReferenceApi } from '@restsync/test-server';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';

/** The API key the tests put in `API_KEY` (the seed config reads it with `secret('api_key')`). */
export const seedApiKey = 'sync-test-key-5e1d08';

export interface SeedSourceOptions {
  /** The API's origin, e.g. the reference API's `url`. */
  baseUrl: string;
  /** Replaces the seed's `resourceDefaults` (e.g. to leave out the primary key). @default the seed's */
  resourceDefaults?: ResourceDefaultsConfig;
}

/** The seed config of DESIGN §1, verbatim except for the base URL. Needs `API_KEY` set. */
export function seedSource(options: SeedSourceOptions): Source {
  return restApiSource({
    client: {
      baseUrl: options.baseUrl,
      auth: apiKey({ name: 'api_key', apiKey: secret('api_key'), location: 'query' }),
    },
    resourceDefaults: options.resourceDefaults ?? { primaryKey: 'id', writeDisposition: 'merge' },
    resources: [
      {
        name: 'resource_name',
        endpoint: { path: '/v1/resource', dataSelector: 'data', paginator: offset({ limit: 100 }) },
      },
    ],
  });
}

/**
 * Starts the reference API (serving `records`, keyed with `seedApiKey`) for the tests of the
 * calling `describe`: generation 1 and `API_KEY` set before each test, closed after all, with
 * `onClose` run then too. Returns a getter for the running API.
 */
export function useSeedApi(records: number, onClose: () => Promise<void>): () => ReferenceApi {
  let api: ReferenceApi | undefined;
  beforeAll(async () => {
    api = await startReferenceApi({ records, apiKey: seedApiKey });
  });
  beforeEach(() => {
    vi.stubEnv('API_KEY', seedApiKey);
    api?.setGeneration(1);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  afterAll(async () => {
    await api?.close();
    await onClose();
  });
  return () => {
    if (!api) throw new Error('the reference API starts in beforeAll');
    return api;
  };
}
