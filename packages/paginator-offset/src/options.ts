import { ConfigError, type ConfigIssue } from '@restsync/core';
import { parseDotPath } from './dot-path';

/** Options of `offset()`. Every request asks for `limit` records starting at `offset`. */
export interface OffsetPaginatorOptions {
  /** Records per page, sent as `limitParam`. Keep it at or below the API's maximum page size. */
  limit: number;
  /** Offset of the first request. @default 0 */
  offset?: number;
  /** Query parameter that carries the offset. @default 'offset' */
  offsetParam?: string;
  /** Query parameter that carries the limit. @default 'limit' */
  limitParam?: string;
  /**
   * Dot path in the JSON body (`page.offset`) that carries the offset instead of a query
   * parameter, for APIs that paginate a POST body. @default undefined (query parameter)
   */
  offsetBodyPath?: string;
  /** Dot path in the JSON body that carries the limit instead of a query parameter. @default undefined (query parameter) */
  limitBodyPath?: string;
  /**
   * Dot path in the response body to the total number of records (`meta.total`). A missing or
   * null total means "unknown": the paginator then stops on a short or empty page. The last
   * total seen is remembered, so an API may send it on the first page only. `null` never reads it.
   * @default 'total'
   */
  totalPath?: string | null;
  /** Exclusive upper bound: no request is ever made with an offset at or above it. @default undefined (no bound) */
  maximumOffset?: number;
  /** Stop when a page has no records. @default true */
  stopAfterEmptyPage?: boolean;
  /** Dot path in the response body to a boolean; `false` stops the pagination. @default undefined (not read) */
  hasMorePath?: string;
}

/** Options after validation, with defaults applied and paths split into segments. */
export interface ResolvedOffsetOptions {
  limit: number;
  offset: number;
  offsetParam: string;
  limitParam: string;
  offsetBodyPath: string[] | undefined;
  limitBodyPath: string[] | undefined;
  totalPath: string[] | undefined;
  maximumOffset: number | undefined;
  stopAfterEmptyPage: boolean;
  hasMorePath: string[] | undefined;
}

/** Maps an option name to the name the user wrote (camelCase in code, snake_case in a config file). */
export type OptionName = (option: keyof OffsetPaginatorOptions) => string;

const sameName: OptionName = (option) => option;

/** Validates every option at once; throws a `ConfigError` listing each bad option with its path. */
export function resolveOffsetOptions(
  options: OffsetPaginatorOptions,
  optionName: OptionName = sameName,
): ResolvedOffsetOptions {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError([
      { path: '', message: 'offset paginator options must be an object, e.g. { limit: 100 }' },
    ]);
  }
  const issues: ConfigIssue[] = [];
  const report = (option: keyof OffsetPaginatorOptions, message: string) =>
    issues.push({ path: optionName(option), message });

  if (!isInteger(options.limit) || options.limit < 1) {
    report('limit', `expected a positive integer, got ${describe(options.limit)}`);
  }
  const offset = options.offset ?? 0;
  if (!isInteger(offset) || offset < 0) {
    report('offset', `expected a non-negative integer, got ${describe(options.offset)}`);
  }
  const offsetParam = readName(options, 'offsetParam', 'offset', report);
  const limitParam = readName(options, 'limitParam', 'limit', report);
  const offsetBodyPath = readPath(options, 'offsetBodyPath', report);
  const limitBodyPath = readPath(options, 'limitBodyPath', report);
  if (
    offsetBodyPath === undefined &&
    limitBodyPath === undefined &&
    offsetParam !== undefined &&
    offsetParam === limitParam
  ) {
    report('limitParam', `must differ from ${optionName('offsetParam')} ("${offsetParam}")`);
  }
  if (
    offsetBodyPath !== undefined &&
    limitBodyPath !== undefined &&
    offsetBodyPath.join('.') === limitBodyPath.join('.')
  ) {
    report('limitBodyPath', `must differ from ${optionName('offsetBodyPath')}`);
  }
  const totalPath = options.totalPath === null ? undefined : readPath(options, 'totalPath', report, 'total');
  const hasMorePath = readPath(options, 'hasMorePath', report);

  const maximumOffset = options.maximumOffset;
  if (maximumOffset !== undefined) {
    if (!isInteger(maximumOffset) || maximumOffset < 1) {
      report('maximumOffset', `expected a positive integer, got ${describe(maximumOffset)}`);
    } else if (isInteger(offset) && maximumOffset <= offset) {
      report(
        'maximumOffset',
        `must be greater than ${optionName('offset')} (${offset}); no request could be made`,
      );
    }
  }
  const stopAfterEmptyPage = options.stopAfterEmptyPage ?? true;
  if (typeof stopAfterEmptyPage !== 'boolean') {
    report('stopAfterEmptyPage', `expected true or false, got ${describe(options.stopAfterEmptyPage)}`);
  }

  if (issues.length > 0) throw new ConfigError(issues);
  return {
    limit: options.limit,
    offset,
    offsetParam: offsetParam ?? 'offset',
    limitParam: limitParam ?? 'limit',
    offsetBodyPath,
    limitBodyPath,
    totalPath,
    maximumOffset,
    stopAfterEmptyPage,
    hasMorePath,
  };
}

type Report = (option: keyof OffsetPaginatorOptions, message: string) => void;

function readName(
  options: OffsetPaginatorOptions,
  option: 'offsetParam' | 'limitParam',
  fallback: string,
  report: Report,
): string | undefined {
  const value = options[option] ?? fallback;
  if (typeof value !== 'string' || value.trim() === '') {
    report(option, `expected a non-empty parameter name, got ${describe(options[option])}`);
    return undefined;
  }
  return value;
}

function readPath(
  options: OffsetPaginatorOptions,
  option: 'offsetBodyPath' | 'limitBodyPath' | 'totalPath' | 'hasMorePath',
  report: Report,
  fallback?: string,
): string[] | undefined {
  const value = options[option] ?? fallback;
  if (value === undefined) return undefined;
  const segments = typeof value === 'string' ? parseDotPath(value) : undefined;
  if (segments === undefined) {
    report(option, `expected a dot path such as "meta.total", got ${describe(options[option])}`);
  }
  return segments;
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
