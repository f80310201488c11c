import type { Page } from '@restsync/core';
import { findKey } from '@restsync/core/adapter-utils';
import { isLinkHeaderProblem, parseLinkHeader } from './link-header';

/** Whether a key names a next link: `next`, `next_page`, `nextPage`, and also `@odata.nextLink`, which dlt misses. */
function isNextKey(key: string): boolean {
  const lastPart = key.replace(/^@/, '').split('.').at(-1) ?? '';
  return /^next/i.test(lastPart);
}

function looksLikeUrl(value: unknown): value is string {
  return typeof value === 'string' && /^(https?:\/\/|\/|\?)/i.test(value.trim());
}

/** Where the URL is in a next key's value: the value itself (''), its `href` or its `url`; undefined: no URL. */
function urlSuffix(value: unknown): string | undefined {
  if (looksLikeUrl(value)) return '';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (looksLikeUrl(record.href)) return '.href';
  if (looksLikeUrl(record.url)) return '.url';
  return undefined;
}

/**
 * Finds the JSONPath of a next URL in a response body, depth-first over objects (never into
 * arrays, so records are not searched): a key whose name starts with `next` (or whose last
 * dotted part does, as in `@odata.nextLink`) holding a URL, or an object with a URL at `href` or
 * `url` (`_links.next.href`).
 */
export function findNextUrlPath(body: unknown): string | undefined {
  const found = findKey(body, (key, value) => isNextKey(key) && urlSuffix(value) !== undefined);
  return found === undefined ? undefined : found.path + urlSuffix(found.value);
}

/** Whether the page's `Link` header has a link with the relation `next`. */
export function hasNextLinkHeader(page: Page): boolean {
  const header = page.response.headers.get('link');
  if (header === null) return false;
  const links = parseLinkHeader(header);
  return !isLinkHeaderProblem(links) && links.some((link) => link.relations.includes('next'));
}
