import { setQueryParams } from '../contracts/query-params';
import type { RequestSpec } from '../contracts/request';
import { PaginationError } from '../errors';
import { parseJsonPath, writeJsonPath } from './json-path';

/**
 * Where a paginator puts a value: a query parameter (`{ query: 'offset' }`) or a dot path in the
 * JSON body (`{ body: 'page.offset' }`). `option` names the option that chose it, for messages.
 */
export type RequestValueTarget = { query: string } | { body: string; option?: string };

/**
 * Returns a copy of `request` with `value` set as a query parameter or at a dot path of the JSON
 * body (creating the body and the objects on the path). The request is never mutated. Throws a
 * `PaginationError` when the body, or a value on the path, is not a JSON object.
 *
 * @example setRequestValue(request, { body: 'page.offset' }, 100)
 */
export function setRequestValue(
  request: RequestSpec,
  target: RequestValueTarget,
  value: string | number | boolean,
): RequestSpec {
  if ('query' in target) {
    return { ...request, url: setQueryParams(request.url, [[target.query, String(value)]]) };
  }
  const segments = parseJsonPath(target.body);
  const json = segments === undefined ? undefined : writeJsonPath(request.json, segments, value);
  if (json === undefined) {
    throw new PaginationError(
      `cannot set ${target.option ?? 'the body path'} "${target.body}" in the request body: the body ` +
        'or a value on that path is not a JSON object. Send an object body or use a query parameter.',
    );
  }
  return { ...request, json };
}
