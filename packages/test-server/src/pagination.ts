import type { DatasetView } from './dataset';
import type { PaginationOptions } from './test-server-options';

/** The slice of the view a request gets, and what tells the client about the next page. */
export interface PagePlan {
  /** Index of the first record in the view. */
  start: number;
  /** Index after the last record. */
  end: number;
  /** Body fields besides the records, by key path, e.g. `[['cursors', 'next'], 'abc']`. */
  fields: [string[], unknown][];
  headers: Record<string, string>;
}

export interface PageRequest {
  pagination: PaginationOptions;
  view: DatasetView;
  query: URLSearchParams;
  /** Page size after the default and the cap. */
  limit: number;
  limitParam: string;
  /** The request URL, absolute, for next links. */
  url: URL;
  /** Query parameters never copied into links (an API key). */
  hiddenParams: readonly string[];
}

function parseIndex(text: string | null): number | undefined {
  if (text === null || text === '') return undefined;
  return /^\d+$/.test(text) ? Number(text) : Number.NaN;
}

/** Opaque cursor of a position in the view. */
function encodeCursor(position: number): string {
  return Buffer.from(`position:${position}`).toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  const match = /^position:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

function linkTo(request: PageRequest, origin: string | undefined, params: Record<string, string>): URL {
  const url = new URL(request.url.pathname + request.url.search, origin ?? request.url.origin);
  for (const name of request.hiddenParams) url.searchParams.delete(name);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url;
}

/** Plans one page, or returns the message of a 400. */
export function planPage(request: PageRequest): PagePlan | string {
  const { pagination, view, query, limit } = request;
  const total = view.length;
  const window = (start: number) => ({ start, end: Math.min(start + limit, total) });
  switch (pagination.type) {
    case 'offset': {
      const name = pagination.offsetParam ?? 'offset';
      const offset = parseIndex(query.get(name)) ?? 0;
      if (!Number.isSafeInteger(offset))
        return `${name} must be a non-negative integer, got "${query.get(name)}"`;
      const totalKey = pagination.totalKey === undefined ? 'total' : pagination.totalKey;
      return { ...window(offset), fields: totalKey === null ? [] : [[[totalKey], total]], headers: {} };
    }
    case 'page_number': {
      const name = pagination.pageParam ?? 'page';
      const basePage = pagination.basePage ?? 1;
      const page = parseIndex(query.get(name)) ?? basePage;
      if (!Number.isSafeInteger(page) || page < basePage) {
        return `${name} must be an integer of at least ${basePage}, got "${query.get(name)}"`;
      }
      const totalKey = pagination.totalKey === undefined ? 'total' : pagination.totalKey;
      const pages = Math.ceil(total / limit);
      return {
        ...window((page - basePage) * limit),
        fields: totalKey === null ? [] : [[[totalKey], pages]],
        headers: {},
      };
    }
    case 'cursor':
    case 'header_cursor': {
      const name = pagination.cursorParam ?? 'cursor';
      const cursor = query.get(name);
      const start = cursor === null || cursor === '' ? 0 : decodeCursor(cursor);
      if (start === undefined) return `${name} is not a cursor this server issued: "${cursor}"`;
      const slice = window(start);
      const next = slice.end < total ? encodeCursor(slice.end) : null;
      if (pagination.type === 'cursor') {
        return {
          ...slice,
          fields: [[(pagination.cursorPath ?? 'cursors.next').split('.'), next]],
          headers: {},
        };
      }
      return { ...slice, fields: [], headers: next === null ? {} : { [pagination.header ?? 'next']: next } };
    }
    case 'starting_after': {
      const name = pagination.cursorParam ?? 'starting_after';
      const after = query.get(name);
      let start = 0;
      if (after !== null && after !== '') {
        const index = view.indexOf(Number(after));
        if (index === -1) return `${name}: no record with id "${after}"`;
        start = index + 1;
      }
      const slice = window(start);
      return { ...slice, fields: [[[pagination.hasMoreKey ?? 'has_more'], slice.end < total]], headers: {} };
    }
    case 'json_link': {
      const offset = parseIndex(query.get('offset')) ?? 0;
      if (!Number.isSafeInteger(offset))
        return `offset must be a non-negative integer, got "${query.get('offset')}"`;
      const slice = window(offset);
      const key = pagination.nextKey ?? 'next';
      if (slice.end >= total) {
        const end = pagination.end ?? 'null';
        return {
          ...slice,
          fields: end === 'missing' ? [] : [[[key], end === 'null' ? null : '']],
          headers: {},
        };
      }
      const next = linkTo(request, pagination.origin, {
        offset: String(slice.end),
        [request.limitParam]: String(limit),
      });
      return {
        ...slice,
        fields: [[[key], pagination.relative ? next.pathname + next.search : next.toString()]],
        headers: {},
      };
    }
    case 'header_link': {
      const page = parseIndex(query.get('page')) ?? 1;
      if (!Number.isSafeInteger(page) || page < 1)
        return `page must be a positive integer, got "${query.get('page')}"`;
      const slice = window((page - 1) * limit);
      const lastPage = Math.max(1, Math.ceil(total / limit));
      const link = (target: number, rel: string) =>
        `<${linkTo(request, pagination.origin, { page: String(target), [request.limitParam]: String(limit) })}>; rel="${rel}"`;
      const links = [link(1, 'first')];
      if (page > 1) links.push(link(page - 1, 'prev'));
      if (page < lastPage) links.push(link(page + 1, 'next'));
      links.push(link(lastPage, 'last'));
      return { ...slice, fields: [], headers: { link: links.join(', ') } };
    }
    case 'single_page':
      return { start: 0, end: total, fields: [], headers: {} };
  }
}

/**
 * The JSON text of a page: the records (as JSON texts) under `dataKey`, or a bare array when
 * `dataKey` is null, then the fields (key paths become nested objects). `records` null sends
 * `"<dataKey>": null`.
 */
export function buildPageBody(
  dataKey: string | null,
  records: readonly string[] | null,
  fields: readonly [string[], unknown][],
): string {
  const array = records === null ? 'null' : `[${records.join(',')}]`;
  if (dataKey === null) return array;
  const tree: Record<string, unknown> = {};
  for (const [keys, value] of fields) {
    let node = tree;
    for (const key of keys.slice(0, -1)) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1] as string] = value;
  }
  const rest = JSON.stringify(tree);
  return `{${JSON.stringify(dataKey)}:${array}${rest === '{}' ? '}' : `,${rest.slice(1)}`}`;
}
