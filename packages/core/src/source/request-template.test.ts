import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../errors';
import { createRestClient } from '../http/rest-client';
import { createRedactor } from '../redact';
import { secret } from '../secrets';
import { readConfig } from './read-config';
import { buildRequest, compileRequestTemplate } from './request-template';

const parent = { id: 5, slug: 'alpha' };
const noIncremental = {
  start_value: undefined,
  initial_value: undefined,
  last_value: undefined,
  end_value: undefined,
};

/** Compiles a child endpoint (dlt form) and builds its request for `parent`. */
function compile(endpoint: Record<string, unknown>, env: Record<string, string> = {}) {
  const issues: ConfigIssue[] = [];
  const read = readConfig(
    { client: { base_url: 'https://api.example.com' }, resources: [{ name: 'child', endpoint }] },
    'snake',
    issues,
  );
  const redactor = createRedactor();
  const template = compileRequestTemplate(
    read.resources[0]!.endpoint,
    { redactor, failures: [], env },
    issues,
  );
  const request = () =>
    buildRequest(
      template,
      (path) => new URL(path, 'https://api.example.com/').toString(),
      'child',
      parent,
      noIncremental,
    );
  return { issues: issues.map((issue) => `${issue.path}: ${issue.message}`), request, redactor };
}

describe('compileRequestTemplate and buildRequest', () => {
  it('should send a data object form-encoded: placeholders filled as text, escapes, lists repeated, null left out', () => {
    const { issues, request } = compile({
      path: 'search',
      method: 'POST',
      data: {
        post_id: '{resources.posts.id}',
        note: 'for {resources.posts.slug}',
        escaped: '{{not_interpolated}}',
        tag: ['a', 'b c'],
        limit: 10,
        flag: true,
        skip: null,
      },
    });

    expect(issues).toEqual([]);
    const sent = request();
    expect(sent.method).toBe('POST');
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(sent.json).toBeUndefined();
    expect(sent.body).toBe(
      'post_id=5&note=for+alpha&escaped=%7Bnot_interpolated%7D&tag=a&tag=b+c&limit=10&flag=true',
    );
    expect([...new URLSearchParams(sent.body)]).toEqual([
      ['post_id', '5'],
      ['note', 'for alpha'],
      ['escaped', '{not_interpolated}'],
      ['tag', 'a'],
      ['tag', 'b c'],
      ['limit', '10'],
      ['flag', 'true'],
    ]);
  });

  it('should send a list of [name, value] pairs as a form, in order, duplicates kept', () => {
    const { issues, request } = compile({
      path: 'search',
      method: 'POST',
      data: [
        ['post_id', '{resources.posts.id}'],
        ['action', 'comment'],
        ['post_id', '{resources.posts.id}_duplicate'],
        ['escaped', '{{literal_braces}}'],
      ],
    });

    expect(issues).toEqual([]);
    expect(request().body).toBe('post_id=5&action=comment&post_id=5_duplicate&escaped=%7Bliteral_braces%7D');
  });

  it('should send a data string as a raw body without a content type of its own, unless a header sets one', () => {
    const raw = compile({ path: 'search', method: 'PUT', data: 'id={resources.posts.id} {{raw}}' });
    expect(raw.issues).toEqual([]);
    expect(raw.request()).toMatchObject({ method: 'PUT', body: 'id=5 {raw}' });
    expect(raw.request().headers).toEqual({});

    const typed = compile({
      path: 'search',
      method: 'POST',
      data: { q: 'x' },
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
    });
    expect(typed.request().headers).toEqual({
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    });
  });

  it('should fill placeholders and escapes in param names and header names', () => {
    const { issues, request } = compile({
      path: 'items',
      params: { 'filter[{{status}}]': 'open', '{resources.posts.slug}_id': '{resources.posts.id}' },
      headers: { 'X-{{escaped}}': 'v {{1}}', 'X-Parent-{resources.posts.slug}': '{resources.posts.id}' },
    });

    expect(issues).toEqual([]);
    const sent = request();
    expect([...new URL(sent.url).searchParams]).toEqual([
      ['filter[{status}]', 'open'],
      ['alpha_id', '5'],
    ]);
    expect(sent.headers).toEqual({ 'x-{escaped}': 'v {1}', 'x-parent-alpha': '5' });
  });

  it('should send a secret as it is, braces included, and register it with the redactor', () => {
    const { issues, request, redactor } = compile(
      {
        path: 'items',
        method: 'POST',
        headers: { 'X-Token': { secret: 'token' } },
        data: { key: secret('form_key') },
      },
      { TOKEN: 'to{k}en', FORM_KEY: 'k{{1}}' },
    );

    expect(issues).toEqual([]);
    expect(request().headers['x-token']).toBe('to{k}en');
    expect(new URLSearchParams(request().body).get('key')).toBe('k{{1}}');
    expect(redactor.redact('to{k}en and k{{1}}')).not.toContain('to{k}en');
  });

  it("should refuse json and data together with dlt's reason", () => {
    const { issues } = compile({ path: 'search', method: 'POST', json: { a: 1 }, data: { b: 2 } });

    expect(issues).toEqual([
      `resources[0].endpoint.data: "json" and "data" cannot be used together (dlt: "Cannot use both 'json' and 'data' ` +
        'parameters simultaneously"): a request has one body. Keep "json" for a JSON body, or "data" for a form or raw body',
    ]);
  });

  it('should refuse a body on a GET request, naming the methods that take one', () => {
    expect(compile({ path: 'search', json: { a: 1 } }).issues).toEqual([
      'resources[0].endpoint.json: a GET request cannot carry a body (fetch refuses to send one); set "method" to POST, PUT, PATCH or DELETE',
    ]);
    expect(compile({ path: 'items/{resources.posts.id}', method: 'DELETE', data: 'x' }).issues).toEqual([]);
  });

  it("should refuse a resolve param that the path does not bind, with dlt's advice", () => {
    const { issues } = compile({
      path: 'comments',
      params: { post: { type: 'resolve', resource: 'posts', field: 'id' } },
    });

    expect(issues).toEqual([
      'resources[0].endpoint.params.post: resolve param "post" is not bound in the path: a resolve param only fills ' +
        'a "{post}" in the path (as in dlt). To send a parent field in a query param or elsewhere in the request, ' +
        'use a placeholder instead: "post": "{resources.posts.id}"',
    ]);
  });

  it('should report an unknown placeholder in the path, params, headers and json, each at its path', () => {
    const { issues } = compile({
      path: 'items/{resource.posts.id}',
      method: 'POST',
      params: { q: '{unknown.x}' },
      headers: { 'X-Since': '{incremental.bogus}' },
      json: { query: 'query { viewer }' },
    });
    const roots = 'valid placeholders start with "resources." or "incremental."';

    expect(issues).toEqual([
      expect.stringContaining(
        'resources[0].endpoint.path: placeholder "{resource.posts.id}" is not valid (did you mean "{resources.posts.id}"?)',
      ),
      expect.stringContaining(
        `resources[0].endpoint.params.q: placeholder "{unknown.x}" is not valid; ${roots}`,
      ),
      expect.stringContaining(
        `resources[0].endpoint.headers["X-Since"]: placeholder "{incremental.bogus}" is not an incremental value; ${roots}`,
      ),
      expect.stringContaining(
        `resources[0].endpoint.json.query: placeholder "{ viewer }" is not valid; ${roots}`,
      ),
    ]);
  });

  it('should not quote a secret-like literal whose braces are not a placeholder', () => {
    const { issues } = compile({
      path: 'items',
      params: { api_key: 'sk-{live}-0123' },
      headers: { Authorization: 'Bearer tok}en-42' },
    });

    expect(issues).toHaveLength(2);
    for (const issue of issues) {
      expect(issue).toContain('not shown: it looks like a secret');
      expect(issue).not.toMatch(/live|tok|en-42|0123/);
    }
  });

  // A paginator's offset_body_path on a form request: the JSON it wrote was silently not sent.
  it('should refuse to send a request holding a form body and a JSON body a paginator added', async () => {
    const { request } = compile({ path: 'search', method: 'POST', data: { q: 'x' } });
    const client = createRestClient({ baseUrl: 'https://api.example.com' });

    const sending = client.send({ ...request(), json: { offset: 100 } }, { resource: 'child' });

    await expect(sending).rejects.toThrow(ConfigError);
    await expect(sending).rejects.toThrow(
      'resource "child": the request has a form or raw body (data) and a JSON body',
    );
  });
});
