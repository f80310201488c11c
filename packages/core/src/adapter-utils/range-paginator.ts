import {
  nextRequest,
  type PageExpectation,
  type Paginator,
  type PaginatorInstance,
  type PaginatorStep,
  paginationDone,
} from '../contracts/paginator';
import type { Page, RequestSpec } from '../contracts/request';
import { PaginationError } from '../errors';
import { compileJsonPath } from '../json-path/json-path';
import { type RequestValueTarget, setRequestValue } from './request-values';

/**
 * A paginator that walks a numeric position by a fixed step: offset/limit (`offset=0, 100, 200`,
 * step = limit) and page numbers (`page=1, 2, 3`, step = 1). It stops on `hasMore: false`, an
 * empty page, a known total reached, a short page when there is no total, or `maximum`.
 *
 * With a known total it also tells the engine what each page must hold (`expectation`): an empty
 * page before the total, or (for `unit: 'pages'`) a page shorter than the ones before it that is
 * not the last, contradicts the total; the engine re-requests it once, then fails. With
 * `unit: 'records'` a short page before the total moves the position by the records received
 * (the API capped the page size), and the requests planned ahead use that size.
 */
export interface RangePaginatorSettings {
  /** The paginator's `type`, e.g. `page_number`; starts every error message. */
  type: string;
  /** Name of the position in the checkpoint (`{ "page": 3 }`). */
  position: string;
  /** Where the position goes: `{ query: 'page' }` or `{ body: 'page.number' }`. */
  target: RequestValueTarget;
  /** Position of the first request (`offset`, `basePage`). */
  start: number;
  /** How far one page moves the position: the limit for offsets, 1 for page numbers. @default 1 */
  step?: number;
  /**
   * What the position and the total count. `records` (offsets): with a known total, the position
   * moves by the records a page holds, so an API that caps the page size below the limit loses
   * nothing. `pages` (page numbers): the position always moves by `step`. @default 'pages'
   */
  unit?: 'records' | 'pages';
  /** Values sent unchanged with every request, e.g. the limit. @default [] */
  constants?: readonly { target: RequestValueTarget; value: string | number | boolean }[];
  /**
   * JSONPath to the total in the response body, in units of the position: records for offsets,
   * pages for page numbers. A missing or null total means unknown; the last one seen is kept.
   * @default undefined (not read)
   */
  totalPath?: string | null;
  /** The position at which the total starts counting (`basePage` for page numbers). @default 0 */
  totalBase?: number;
  /** Records per full page: without a total, a shorter page is the last. @default undefined (not checked) */
  pageSize?: number | undefined;
  /** Exclusive upper bound of the position. @default undefined (no bound) */
  maximum?: number | undefined;
  /** Stop when a page has no records. @default true */
  stopAfterEmptyPage?: boolean;
  /** JSONPath to a boolean in the response body; `false` stops. @default undefined (not read) */
  hasMorePath?: string | undefined;
  /** Option names for messages and stop reasons. @default { totalPath: 'totalPath', hasMorePath: 'hasMorePath', maximum: 'maximum' } */
  optionNames?: { totalPath?: string; hasMorePath?: string; maximum?: string };
}

/**
 * Builds a range paginator factory: a fresh instance per request sequence, a checkpoint
 * `{ [position]: <next position> }`, and the requests ahead (`upcoming`) once the total is known.
 *
 * @example rangePaginator({ type: 'page_number', position: 'page', target: { query: 'page' }, start: 1, totalPath: 'meta.pages', totalBase: 1 })
 */
export function rangePaginator(settings: RangePaginatorSettings): Paginator {
  return Object.freeze({
    kind: 'paginator' as const,
    specificationVersion: 'v1' as const,
    type: settings.type,
    create: () => createInstance(settings),
  });
}

function createInstance(settings: RangePaginatorSettings): PaginatorInstance {
  const step = settings.step ?? 1;
  const unit = settings.unit ?? 'pages';
  const allowEmptyPages = !(settings.stopAfterEmptyPage ?? true);
  const totalBase = settings.totalBase ?? 0;
  const names = {
    totalPath: 'totalPath',
    hasMorePath: 'hasMorePath',
    maximum: 'maximum',
    ...settings.optionNames,
  };
  const totalPath = settings.totalPath ? compileJsonPath(settings.totalPath, names.totalPath) : undefined;
  const hasMorePath = settings.hasMorePath
    ? compileJsonPath(settings.hasMorePath, names.hasMorePath)
    : undefined;
  let position = settings.start;
  // Where this sequence started (after `resume`): the expected total counts from here.
  let startPosition = settings.start;
  let knownTotal: number | undefined;
  // How far each page ahead is planned to move the position: the step, or the API's capped page size.
  let plannedStep = step;
  // The most records a page of this sequence held (for `pages`, a shorter page before the last is suspect).
  let largestPage = 0;
  let baseRequest: RequestSpec | undefined;
  // The base request with the constants and a position already set: a position is then one more value.
  let template: RequestSpec | undefined;
  // The requests built for the positions ahead, by position: `upcoming` plans them, `next` returns the same ones.
  const built = new Map<number, RequestSpec>();
  const constants = settings.constants ?? [];
  // A constant written at (or around) the position's place overrides it: then every request is built whole.
  const constantAtPosition = constants.some((constant) => overlaps(constant.target, settings.target));

  const place = (request: RequestSpec, value: number): RequestSpec => {
    try {
      let placed = setRequestValue(request, settings.target, value);
      for (const constant of constants) placed = setRequestValue(placed, constant.target, constant.value);
      return placed;
    } catch (error) {
      if (!PaginationError.isInstance(error)) throw error;
      throw new PaginationError(`${settings.type} paginator: ${error.message}`, { cause: error });
    }
  };

  /**
   * `place(base, value)`, built once per position. After the first, each one only moves the
   * position in the template: a value set again keeps its place, so the request is the same.
   */
  const at = (base: RequestSpec, value: number): RequestSpec => {
    let request = built.get(value);
    if (request === undefined) {
      request =
        template === undefined || constantAtPosition
          ? place(base, value)
          : setRequestValue(template, settings.target, value);
      template ??= request;
      built.set(value, request);
    }
    return request;
  };

  const where = (page: Page) => `${settings.type} paginator: resource "${page.resource}", page ${page.index}`;

  const readTotal = (page: Page): number | undefined => {
    if (totalPath === undefined) return undefined;
    const value = totalPath.first(page.response.body);
    if (value === undefined || value === null) return undefined;
    const total = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof total === 'number' && Number.isSafeInteger(total) && total >= 0) return total;
    throw new PaginationError(
      `${where(page)}: the total at "${totalPath.path}" is ${describeValue(value)}, not a ` +
        `non-negative integer. Point ${names.totalPath} at the total, or set it to null if the API sends none.`,
    );
  };

  const readHasMore = (page: Page): boolean | undefined => {
    if (hasMorePath === undefined) return undefined;
    const value = hasMorePath.first(page.response.body);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new PaginationError(
      `${where(page)}: the value at ${names.hasMorePath} "${hasMorePath.path}" is ${describeValue(value)}, ` +
        `not a boolean. Point ${names.hasMorePath} at the API's "has more" flag.`,
    );
  };

  const stopReason = (hasMore: boolean | undefined, count: number): string | undefined => {
    if (hasMore === false) return 'hasMore is false';
    if (count === 0 && (settings.stopAfterEmptyPage ?? true)) return 'empty page';
    if (knownTotal !== undefined && position >= totalBase + knownTotal)
      return `total reached (${knownTotal})`;
    if (knownTotal === undefined && settings.pageSize !== undefined && count < settings.pageSize) {
      return 'short page';
    }
    if (settings.maximum !== undefined && position >= settings.maximum) return `${names.maximum} reached`;
    return undefined;
  };

  return {
    first(request) {
      baseRequest = request;
      template = undefined;
      built.clear();
      startPosition = position;
      return at(request, position);
    },

    next(page): PaginatorStep {
      const hasMore = readHasMore(page);
      knownTotal = readTotal(page) ?? knownTotal;
      const count = page.records.length;
      largestPage = Math.max(largestPage, count);
      // With a known total, an offset moves by the records received: a capped page skips nothing.
      plannedStep = unit === 'records' && knownTotal !== undefined && count > 0 ? count : step;
      // From here on the page counts as seen: a checkpoint points at the page after it.
      position += plannedStep;
      for (const planned of built.keys()) if (planned < position) built.delete(planned);
      const reason = stopReason(hasMore, count);
      if (reason !== undefined) return paginationDone(reason);
      return nextRequest(baseRequest ? at(baseRequest, position) : place(page.request, position));
    },

    expectation(page): PageExpectation | undefined {
      const total = readTotal(page) ?? knownTotal;
      if (total === undefined || readHasMore(page) === false) return undefined;
      const count = page.records.length;
      const end = totalBase + total;
      const bound = settings.maximum ?? Number.POSITIVE_INFINITY;
      const last =
        unit === 'records'
          ? position + count >= Math.min(end, bound)
          : position + step >= Math.min(end, bound);
      let minimumRecords = 0;
      if (!allowEmptyPages && position < end) {
        // A page the total counts holds records; a page number before the last holds as many as the largest before it.
        if (unit === 'records') minimumRecords = 1;
        else minimumRecords = last ? Math.min(1, total - 1) : Math.max(1, largestPage);
      }
      return {
        position: `${settings.position} ${position}`,
        total: `${total} ${unit}`,
        minimumRecords,
        last,
        ...(settings.pageSize === undefined ? {} : { pageSize: settings.pageSize }),
        hint: `If the API's total is only an estimate, set ${names.totalPath} to null: the paginator then stops at the first short or empty page.`,
      };
    },

    expectedTotal() {
      const ends = [
        knownTotal === undefined ? Number.POSITIVE_INFINITY : totalBase + knownTotal,
        settings.maximum ?? Number.POSITIVE_INFINITY,
      ];
      const end = Math.min(...ends);
      if (end === Number.POSITIVE_INFINITY) return undefined;
      const span = Math.max(0, end - startPosition);
      return unit === 'records' ? { records: span } : { pages: Math.ceil(span / step) };
    },

    checkpoint() {
      return { [settings.position]: position };
    },

    upcoming(count) {
      if (knownTotal === undefined || baseRequest === undefined) return [];
      const end = Math.min(totalBase + knownTotal, settings.maximum ?? Number.POSITIVE_INFINITY);
      const requests: RequestSpec[] = [];
      for (let next = position; next < end && requests.length < count; next += plannedStep) {
        requests.push(at(baseRequest, next));
      }
      return requests;
    },

    resume(checkpoint) {
      const value = checkpoint?.[settings.position];
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < totalBase) {
        const expected = totalBase === 0 ? '<non-negative integer>' : `<integer >= ${totalBase}>`;
        throw new PaginationError(
          `${settings.type} paginator: cannot resume from checkpoint ${safeJson(checkpoint)}; expected ` +
            `{ "${settings.position}": ${expected} }. Clear the stored state of this resource to start over.`,
        );
      }
      position = value;
    },
  };
}

function overlaps(first: RequestValueTarget, second: RequestValueTarget): boolean {
  if ('query' in first || 'query' in second) {
    return 'query' in first && 'query' in second && first.query === second.query;
  }
  const within = (inner: string, outer: string) =>
    inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  return within(first.body, second.body) || within(second.body, first.body);
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
