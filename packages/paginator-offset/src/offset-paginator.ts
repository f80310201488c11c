import {
  nextRequest,
  type Page,
  PaginationError,
  type Paginator,
  type PaginatorCheckpoint,
  type PaginatorInstance,
  type PaginatorStep,
  paginationDone,
  type RequestSpec,
  withQuery,
} from '@restsync/core';
import { getAtPath, setAtPath } from './dot-path';
import { type OffsetPaginatorOptions, type ResolvedOffsetOptions, resolveOffsetOptions } from './options';

/**
 * Offset/limit pagination: `?offset=0&limit=100`, then `offset=100`, ... Stops when `hasMore` is
 * false, the known total is reached, a page is short (no total known), a page is empty, or the
 * next offset would reach `maximumOffset`. Options are validated here: a `ConfigError` lists
 * every bad option.
 *
 * @example offset({ limit: 100, totalPath: 'meta.total' })
 */
export function offset(options: OffsetPaginatorOptions): Paginator {
  return offsetFromResolved(resolveOffsetOptions(options));
}

/** Builds the paginator from already validated options (shared with `fromConfig`). */
export function offsetFromResolved(options: ResolvedOffsetOptions): Paginator {
  return Object.freeze({
    kind: 'paginator' as const,
    specificationVersion: 'v1' as const,
    type: 'offset',
    create: () => createInstance(options),
  });
}

function createInstance(options: ResolvedOffsetOptions): PaginatorInstance {
  let currentOffset = options.offset;
  let knownTotal: number | undefined;
  let baseRequest: RequestSpec | undefined;

  const place = (request: RequestSpec, offsetValue: number): RequestSpec => {
    const query: Record<string, number> = {};
    let json = request.json;
    if (options.offsetBodyPath)
      json = setBodyValue(json, options.offsetBodyPath, offsetValue, 'offsetBodyPath');
    else query[options.offsetParam] = offsetValue;
    if (options.limitBodyPath)
      json = setBodyValue(json, options.limitBodyPath, options.limit, 'limitBodyPath');
    else query[options.limitParam] = options.limit;
    const placed = Object.keys(query).length > 0 ? withQuery(request, query) : { ...request };
    return json === undefined ? placed : { ...placed, json };
  };

  const stopReason = (hasMore: boolean | undefined, count: number): string | undefined => {
    if (hasMore === false) return 'hasMore is false';
    if (count === 0 && options.stopAfterEmptyPage) return 'empty page';
    if (knownTotal !== undefined && currentOffset >= knownTotal) return `total reached (${knownTotal})`;
    if (knownTotal === undefined && count < options.limit) return 'short page';
    if (options.maximumOffset !== undefined && currentOffset >= options.maximumOffset) {
      return 'maximumOffset reached';
    }
    return undefined;
  };

  return {
    first(request) {
      baseRequest = request;
      return place(request, currentOffset);
    },

    next(page: Page): PaginatorStep {
      const hasMore = readHasMore(page, options);
      const total = readTotal(page, options);
      if (total !== undefined) knownTotal = total;
      // From here on the page counts as seen: a checkpoint points at the page after it.
      currentOffset += options.limit;
      const reason = stopReason(hasMore, page.records.length);
      if (reason !== undefined) return paginationDone(reason);
      return nextRequest(place(baseRequest ?? page.request, currentOffset));
    },

    checkpoint(): PaginatorCheckpoint {
      return { offset: currentOffset };
    },

    upcoming(count) {
      if (knownTotal === undefined || baseRequest === undefined) return [];
      const end = Math.min(knownTotal, options.maximumOffset ?? Number.POSITIVE_INFINITY);
      const requests: RequestSpec[] = [];
      for (let next = currentOffset; next < end && requests.length < count; next += options.limit) {
        requests.push(place(baseRequest, next));
      }
      return requests;
    },

    resume(checkpoint) {
      const value = checkpoint?.offset;
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
        throw new PaginationError(
          `offset paginator: cannot resume from checkpoint ${safeJson(checkpoint)}; expected ` +
            `{ "offset": <non-negative integer> }. Clear the stored state of this resource to start over.`,
        );
      }
      currentOffset = value;
    },
  };
}

function setBodyValue(
  json: unknown,
  path: string[],
  value: number,
  option: 'offsetBodyPath' | 'limitBodyPath',
): Record<string, unknown> {
  const updated = setAtPath(json, path, value);
  if (updated === undefined) {
    throw new PaginationError(
      `offset paginator: cannot set ${option} "${path.join('.')}" in the request body: the body ` +
        `or a value on that path is not a JSON object. Send an object body or use a query parameter.`,
    );
  }
  return updated;
}

function readTotal(page: Page, options: ResolvedOffsetOptions): number | undefined {
  if (!options.totalPath) return undefined;
  const value = getAtPath(page.response.body, options.totalPath);
  if (value === undefined || value === null) return undefined;
  const total = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof total === 'number' && Number.isSafeInteger(total) && total >= 0) return total;
  throw new PaginationError(
    `offset paginator: ${where(page)}: the total at "${options.totalPath.join('.')}" is ` +
      `${describeValue(value)}, not a non-negative integer. Point totalPath at the total ` +
      `number of records, or set it to null if the API sends none.`,
  );
}

function readHasMore(page: Page, options: ResolvedOffsetOptions): boolean | undefined {
  if (!options.hasMorePath) return undefined;
  const value = getAtPath(page.response.body, options.hasMorePath);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new PaginationError(
    `offset paginator: ${where(page)}: the value at hasMorePath "${options.hasMorePath.join('.')}" ` +
      `is ${describeValue(value)}, not a boolean. Point hasMorePath at the API's "has more" flag.`,
  );
}

function where(page: Page): string {
  return `resource "${page.resource}", page ${page.index}`;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 200) ?? String(value);
  } catch {
    return String(value);
  }
}
