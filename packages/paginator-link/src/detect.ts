import type { Page } from '@restsync/core';
import { isLinkHeaderProblem, parseLinkHeader } from './link-header';

/** Object levels searched for a next link: deep enough for `meta.links.next.href`, never into records. */
const maximumDepth = 4;

/** Whether a key names a next link: `next`, `next_page`, `nextPage`, and also `@odata.nextLink`, which dlt misses. */
function isNextKey(key: string): boolean {
  const lastPart = key.replace(/^@/, '').split('.').at(-1) ?? '';
  return /^next/i.test(lastPart);
}

function looksLikeUrl(value: unknown): value is string {
  return typeof value === 'string' && /^(https?:\/\/|\/|\?)/i.test(value.trim());
}

/** A key as a JSONPath step: `links`, or dlt's bracket form `['@odata.nextLink']` for other characters. */
function pathStep(key: string, first: boolean): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return first ? key : `.${key}`;
  return `['${key.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}']`;
}

/**
 * Finds the JSONPath of a next URL in a response body, depth-first over objects (never into
 * arrays, so records are not searched): a key whose name starts with `next` (or whose last
 * dotted part does, as in `@odata.nextLink`) holding a URL, or an object with a URL at `href` or
 * `url` (`_links.next.href`).
 */
export function findNextUrlPath(body: unknown, prefix = '', depth = 0): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || depth >= maximumDepth) {
    return undefined;
  }
  for (const [key, value] of Object.entries(body)) {
    const path = prefix + pathStep(key, prefix === '');
    if (isNextKey(key)) {
      if (looksLikeUrl(value)) return path;
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const record = value as Record<string, unknown>;
        if (looksLikeUrl(record.href)) return `${path}.href`;
        if (looksLikeUrl(record.url)) return `${path}.url`;
      }
    }
  }
  for (const [key, value] of Object.entries(body)) {
    const found = findNextUrlPath(value, prefix + pathStep(key, prefix === ''), depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Whether the page's `Link` header has a link with the relation `next`. */
export function hasNextLinkHeader(page: Page): boolean {
  const header = page.response.headers.get('link');
  if (header === null) return false;
  const links = parseLinkHeader(header);
  return !isLinkHeaderProblem(links) && links.some((link) => link.relations.includes('next'));
}
