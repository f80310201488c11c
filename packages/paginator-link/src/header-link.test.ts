import { type Page, PaginationError, type RequestSpec } from '@restsync/core';
import { testPaginatorConformance } from '@restsync/testing/conformance';
import { describe, expect, it } from 'vitest';
import { headerLink, headerLinkAdapter, parseLinkHeader } from './index';

type TestRecord = Record<string, unknown>;

function pageNumberOf(request: RequestSpec): number {
  return Number(new URL(request.url).searchParams.get('page') ?? 1);
}

function linkTo(request: RequestSpec, page: number): string {
  const url = new URL(request.url);
  url.searchParams.set('page', String(page));
  return url.toString();
}

testPaginatorConformance({
  name: 'header_link',
  create: () => headerLink(),
  respond: (request, records) => {
    const page = pageNumberOf(request);
    const last = Math.max(1, Math.ceil(records.length / 10));
    const links = [`<${linkTo(request, 1)}>; rel="first"`, `<${linkTo(request, last)}>; rel="last"`];
    if (page > 1) links.push(`<${linkTo(request, page - 1)}>; rel="prev"`);
    if (page < last) links.push(`<${linkTo(request, page + 1)}>; rel="next"`);
    return { headers: { link: links.join(', ') }, body: records.slice((page - 1) * 10, page * 10) };
  },
  selectRecords: (body) => body as TestRecord[],
  pageSize: 10,
});

const request: RequestSpec = {
  method: 'GET',
  url: 'https://api.example.test/repos/o/r/issues?state=open',
  headers: {},
};

function nextWith(link: string | undefined, paginator = headerLink()) {
  const instance = paginator.create();
  const page: Page = {
    resource: 'issues',
    index: 3,
    request: instance.first(request),
    response: { status: 200, headers: new Headers(link === undefined ? {} : { link }), body: [] },
    records: [],
  };
  return instance.next(page);
}

describe('header_link', () => {
  it('should follow the rel="next" link among several, resolving a relative target', () => {
    const step = nextWith(
      '</repos/o/r/issues?state=open&page=1>; rel="prev", </repos/o/r/issues?state=open&page=3>; rel="next"',
    );
    expect(step).toEqual({
      done: false,
      request: { ...request, url: 'https://api.example.test/repos/o/r/issues?state=open&page=3' },
    });
  });

  it('should find the relation in a list of relation types, ignoring case', () => {
    const step = nextWith('<https://api.example.test/x?page=2>; title="a; b, c"; REL="Next Last"');
    expect(step.done ? undefined : step.request.url).toBe('https://api.example.test/x?page=2');
  });

  it('should use links_next_key for another relation name', () => {
    const paginator = headerLinkAdapter.fromConfig({ links_next_key: 'forward' });
    const step = nextWith(
      '<https://api.example.test/x?page=2>; rel="next", <https://api.example.test/x?page=9>; rel=forward',
      paginator,
    );
    expect(step.done ? undefined : step.request.url).toBe('https://api.example.test/x?page=9');
  });

  // Stop conditions: no Link header, and a Link header without the next relation.
  it.each([
    [undefined, 'no Link header'],
    [
      '<https://api.example.test/x?page=1>; rel="first", <https://api.example.test/x?page=1>; rel="prev"',
      'no Link with rel="next"',
    ],
  ])('should stop on the Link header %j', (link, reason) => {
    expect(nextWith(link)).toEqual({ done: true, reason });
  });

  it.each([
    ['https://api.example.test/x?page=2; rel="next"', '"<" to open a link target at character 1'],
    ['<https://api.example.test/x?page=2; rel="next"', '">" to close the link target at character 1'],
    [
      '<https://api.example.test/x?page=2>; rel="next',
      'a closing quote for the value that starts at character 42',
    ],
    [
      '<https://api.example.test/x?page=2> rel="next"',
      '";" before a parameter or "," before the next link at character 37',
    ],
  ])('should fail clearly on the malformed Link header %j', (link, expected) => {
    expect(() => nextWith(link)).toThrow(PaginationError);
    expect(() => nextWith(link)).toThrow(
      `header_link paginator: resource "issues", page 3: the Link header is malformed: expected ${expected}`,
    );
  });

  it('should reject unknown options with a suggestion', () => {
    expect(() => headerLinkAdapter.fromConfig({ links_next: 'next' })).toThrow(
      /links_next: unknown key \(expected one of: links_next_key\)/,
    );
  });
});

describe('parseLinkHeader', () => {
  it('should keep commas and semicolons inside targets and quoted values', () => {
    expect(
      parseLinkHeader('<https://a.test/x?q=a,b;c>; rel="next"; title="x, \\"y\\"", ,<b>;rel=prev'),
    ).toEqual([
      { target: 'https://a.test/x?q=a,b;c', relations: ['next'] },
      { target: 'b', relations: ['prev'] },
    ]);
  });
});
