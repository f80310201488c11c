import { referenceRecordJson } from './records';

export interface PageWindow {
  /** 0-based offset of the first record. */
  offset: number;
  /** Page size after clamping to the maximum. */
  limit: number;
}

export interface PageWindowOptions {
  defaultLimit: number;
  maxLimit: number;
}

function parseNonNegativeInteger(text: string | null): number | undefined {
  if (text === null || text === '') return undefined;
  if (!/^\d+$/.test(text)) return Number.NaN;
  return Number(text);
}

/** Reads `offset` and `limit` from the query; returns an error message for a value that is not a non-negative integer. */
export function parsePageWindow(query: URLSearchParams, options: PageWindowOptions): PageWindow | string {
  const offset = parseNonNegativeInteger(query.get('offset')) ?? 0;
  const limit = parseNonNegativeInteger(query.get('limit')) ?? options.defaultLimit;
  if (!Number.isSafeInteger(offset)) {
    return `offset must be a non-negative integer, got "${query.get('offset')}"`;
  }
  if (!Number.isSafeInteger(limit) || limit < 1) {
    return `limit must be a positive integer, got "${query.get('limit')}"`;
  }
  return { offset, limit: Math.min(limit, options.maxLimit) };
}

/**
 * The JSON text of one page: `{"data":[...],"total":N}` (or `{"data":[...]}`), built as a string
 * record by record; nothing is kept between requests.
 */
export function buildPageJson(
  window: PageWindow,
  records: number,
  generation: number,
  includeTotal: boolean,
): string {
  const first = window.offset + 1;
  const last = Math.min(window.offset + window.limit, records);
  let json = '{"data":[';
  for (let id = first; id <= last; id++) {
    if (id > first) json += ',';
    json += referenceRecordJson(id, generation);
  }
  json += includeTotal ? `],"total":${records}}` : ']}';
  return json;
}
