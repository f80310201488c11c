import { createIssueList, isCount, isDelay } from './errors';
import { checkFaultOptions } from './options';
import type { TestServerOptions } from './test-server-options';

/** Styles whose paging information is not in the body, so they may send a bare array. */
const bareArrayStyles = new Set(['header_cursor', 'header_link', 'single_page']);

/** Throws a `TestServerOptionsError` listing every invalid option. */
export function validateTestServerOptions(options: TestServerOptions): void {
  const { check, throwIfAny } = createIssueList();
  checkFaultOptions(check, options.faults, options.script);
  check(options.slowMs === undefined || isDelay(options.slowMs), 'slowMs', 'must be a non-negative number');
  if (options.rateLimit) {
    const { requestsPerSecond, burst, retryAfterSeconds } = options.rateLimit;
    check(
      Number.isFinite(requestsPerSecond) && requestsPerSecond > 0,
      'rateLimit.requestsPerSecond',
      'must be a number > 0',
    );
    check(burst === undefined || isCount(burst, 1), 'rateLimit.burst', 'must be a positive integer');
    check(
      retryAfterSeconds === undefined || isDelay(retryAfterSeconds),
      'rateLimit.retryAfterSeconds',
      'must be a non-negative number',
    );
  }
  check(
    options.generation === undefined || isCount(options.generation, 0),
    'generation',
    'must be a non-negative integer',
  );
  const paths = new Set<string>();
  for (const [name, collection] of Object.entries(options.collections ?? {})) {
    const at = `collections.${name}`;
    const path = collection.path ?? `/v1/${name}`;
    check(
      /^\/[^?#]*[^/?#]$/.test(path),
      `${at}.path`,
      `must start with "/" and not end with one, got "${path}"`,
    );
    check(!paths.has(path), `${at}.path`, `"${path}" is already the path of another collection`);
    paths.add(path);
    check(isCount(collection.records ?? 0, 0), `${at}.records`, 'must be a non-negative integer');
    check(isCount(collection.pageSize ?? 1, 1), `${at}.pageSize`, 'must be a positive integer');
    check(isCount(collection.maxPageSize ?? 1, 1), `${at}.maxPageSize`, 'must be a positive integer');
    const pagination = collection.pagination ?? { type: 'offset' };
    if (pagination.type === 'page_number') {
      check(
        isCount(pagination.basePage ?? 0, 0),
        `${at}.pagination.basePage`,
        'must be a non-negative integer',
      );
    }
    check(
      collection.dataKey !== null || bareArrayStyles.has(pagination.type),
      `${at}.dataKey`,
      `null (a bare array) leaves no room for the paging fields of "${pagination.type}"`,
    );
    check(
      (collection.auth ?? options.auth)?.type !== 'oauth2' || options.oauth2 !== undefined,
      `${at}.auth`,
      'oauth2 needs the server option oauth2 (the token endpoint)',
    );
    check(
      typeof collection.latencyMs !== 'number' || isDelay(collection.latencyMs),
      `${at}.latencyMs`,
      'must be a non-negative number',
    );
    checkFaultOptions(check, undefined, collection.script, `${at}.`);
  }
  if (options.oauth2) {
    check(
      isDelay(options.oauth2.tokenLifetimeSeconds ?? 0),
      'oauth2.tokenLifetimeSeconds',
      'must be a non-negative number',
    );
  }
  throwIfAny();
}
