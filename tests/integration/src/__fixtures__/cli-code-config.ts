import { apiKey } from '@restsync/auth-api-key';
import { defineConfig } from '@restsync/cli';
import { secret } from '@restsync/core';
import { offset } from '@restsync/paginator-offset';

/** A code config in the camelCase form with adapter factories, as `restsync run cli-code-config.ts` loads it. */
export default defineConfig({
  pipeline: { name: 'code_config' },
  source: {
    client: {
      baseUrl: process.env.REFERENCE_API_URL ?? 'http://127.0.0.1:1',
      auth: apiKey({ name: 'api_key', apiKey: secret('api_key'), location: 'query' }),
    },
    resourceDefaults: { primaryKey: 'id', writeDisposition: 'merge' },
    resources: [
      {
        name: 'resource_name',
        endpoint: { path: '/v1/resource', dataSelector: 'data', paginator: offset({ limit: 100 }) },
      },
    ],
  },
});
