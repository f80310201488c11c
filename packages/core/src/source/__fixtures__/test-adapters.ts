import type { Auth } from '../../contracts/auth';
import { nextRequest, type Paginator, paginationDone } from '../../contracts/paginator';
import { withQuery } from '../../contracts/request';
import { ConfigError } from '../../errors';
import { createAdapterRegistry } from '../adapter-registry';

/** `?page=1,2,...` until a page has fewer than `size` records; resumable from `{ page }`. */
export function pages(options: { size: number }): Paginator {
  return {
    kind: 'paginator',
    specificationVersion: 'v1',
    type: 'page',
    create: () => {
      let page = 1;
      return {
        resume: (checkpoint) => {
          page = Number(checkpoint.page);
        },
        first: (request) => withQuery(request, { page }),
        next: (current) => {
          if (current.records.length < options.size) return paginationDone('short page');
          page += 1;
          return nextRequest(withQuery(current.request, { page }));
        },
        checkpoint: () => ({ page }),
      };
    },
  };
}

/** Sends `?key=<value>`; declares the value as a secret. */
export function queryKey(value: string): Auth {
  return {
    kind: 'auth',
    specificationVersion: 'v1',
    type: 'query_key',
    apply: (request) => withQuery(request, { key: value }),
    secrets: () => [value],
  };
}

/** Sends `x-token: <value>`. */
export function headerToken(value: string): Auth {
  return {
    kind: 'auth',
    specificationVersion: 'v1',
    type: 'header_token',
    apply: (request) => ({ ...request, headers: { ...request.headers, 'x-token': value } }),
    secrets: () => [value],
  };
}

/** `fromConfig` functions as adapters export them: dlt keys in, ConfigError with relative paths out. */
export const testRegistry = createAdapterRegistry({
  paginators: {
    page: (config) => {
      const { size, ...rest } = config;
      const issues = Object.keys(rest).map((key) => ({ path: key, message: 'unknown option' }));
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
        issues.push({ path: 'size', message: 'expected a positive integer' });
      }
      if (issues.length > 0) throw new ConfigError(issues);
      return pages({ size: size as number });
    },
  },
  auths: {
    query_key: (config) => {
      if (typeof config.api_key !== 'string' || config.api_key.length < 8) {
        // Deliberately echoes the value: the source must mask it.
        throw new ConfigError([{ path: 'api_key', message: `key "${String(config.api_key)}" is too short` }]);
      }
      return queryKey(config.api_key);
    },
  },
});
