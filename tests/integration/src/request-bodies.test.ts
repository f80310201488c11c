import type { JsonResult } from '@restsync/cli';
import type { LoggedRequest, RouteReply } from '@restsync/test-server';
import { describe, expect, it } from 'vitest';
import { authWorkspace } from './__fixtures__/auth-e2e';
import { writeConfig } from './cli-helpers/sync-config';

// dlt's request forms (form and raw `data` bodies, methods other than GET, `{{ }}` escapes in a GraphQL
// body), run by the built CLI against @restsync/test-server into Postgres; the server's request log
// shows what went over the wire.

const posts = [
  { id: 1, title: 'first' },
  { id: 2, title: 'second' },
  { id: 3, title: 'third' },
];

function source(baseUrl: string, resources: unknown[]) {
  return {
    client: { base_url: baseUrl, paginator: 'single_page' },
    resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
    resources,
  };
}

const postsRoute = { 'GET /v1/posts': (): RouteReply => ({ body: posts }) };

function sentTo(requests: readonly LoggedRequest[], path: string): LoggedRequest[] {
  return requests.filter((request) => request.path === path);
}

describe.concurrent('request bodies and methods through the CLI', () => {
  it('should send a data object form-encoded per parent record, escaped braces as single braces', async ({
    onTestFinished,
  }) => {
    const { database, dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
    const server = await startServer({
      routes: {
        ...postsRoute,
        'POST /v1/comments': (request) => {
          const form = new URLSearchParams(request.body);
          return {
            body: [
              {
                id: `${form.get('post_id')}-c`,
                post_id: Number(form.get('post_id')),
                escaped: form.get('escaped_braces'),
                tags: form.getAll('tag').join(','),
              },
            ],
          };
        },
      },
    });
    const schema = dataset('form_body');
    const result = await runConfig(schema, {
      pipeline: { name: 'form_body' },
      source: source(server.url, [
        { name: 'posts', endpoint: '/v1/posts' },
        {
          name: 'post_comments',
          endpoint: {
            path: '/v1/comments',
            method: 'POST',
            data: {
              post_id: '{resources.posts.id}',
              static_value: 'constant',
              escaped_braces: '{{not_interpolated}}',
              tag: ['a', 'b'],
            },
          },
        },
      ]),
    });

    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as JsonResult).status).toBe('succeeded');
    const sent = sentTo(server.requests, '/v1/comments');
    expect(sent.map((request) => [request.method, request.headers['content-type'], request.body])).toEqual(
      posts.map((post) => [
        'POST',
        'application/x-www-form-urlencoded',
        `post_id=${post.id}&static_value=constant&escaped_braces=%7Bnot_interpolated%7D&tag=a&tag=b`,
      ]),
    );
    expect(
      await database.query(
        `select id, post_id::int as post_id, escaped, tags from "${schema}"."post_comments" order by id`,
      ),
    ).toEqual(
      posts.map((post) => ({
        id: `${post.id}-c`,
        post_id: post.id,
        escaped: '{not_interpolated}',
        tags: 'a,b',
      })),
    );
  });

  it('should send a data string as a raw body with no content type of its own, with PUT', async ({
    onTestFinished,
  }) => {
    const { database, dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
    const server = await startServer({
      routes: {
        ...postsRoute,
        'PUT /v1/lookup': (request) => ({
          body: [{ id: request.body, content_type: request.headers['content-type'] ?? 'none' }],
        }),
      },
    });
    const schema = dataset('raw_body');
    const result = await runConfig(schema, {
      pipeline: { name: 'raw_body' },
      source: source(server.url, [
        { name: 'posts', endpoint: '/v1/posts' },
        {
          name: 'lookups',
          endpoint: { path: '/v1/lookup', method: 'PUT', data: 'post:{resources.posts.id} {{raw}}' },
        },
      ]),
    });

    expect(result.code, result.stderr).toBe(0);
    expect(sentTo(server.requests, '/v1/lookup').map((request) => [request.method, request.body])).toEqual(
      posts.map((post) => ['PUT', `post:${post.id} {raw}`]),
    );
    expect(await database.query(`select id, content_type from "${schema}"."lookups" order by id`)).toEqual(
      posts.map((post) => ({ id: `post:${post.id} {raw}`, content_type: 'none' })),
    );
  });

  it('should send each method a resource names: POST, PUT, PATCH and DELETE with a JSON body, GET without', async ({
    onTestFinished,
  }) => {
    const { database, dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
    const server = await startServer({
      routes: {
        '/v1/items': (request) => ({
          body: [
            {
              id: request.method,
              method: request.method,
              sent: request.json === undefined ? 'none' : JSON.stringify(request.json),
            },
          ],
        }),
      },
    });
    const schema = dataset('methods');
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
    const result = await runConfig(schema, {
      pipeline: { name: 'methods' },
      source: source(
        server.url,
        methods.map((method) => ({
          name: `items_${method.toLowerCase()}`,
          endpoint: {
            path: '/v1/items',
            method: method.toLowerCase(),
            ...(method === 'GET' ? {} : { json: { method } }),
          },
        })),
      ),
    });

    expect(result.code, result.stderr).toBe(0);
    expect(server.requests.map((request) => request.method).sort()).toEqual([...methods].sort());
    const rows = await Promise.all(
      methods.map((method) =>
        database.query<{ method: string; sent: string }>(
          `select method, sent from "${schema}"."items_${method.toLowerCase()}"`,
        ),
      ),
    );
    expect(rows.flat()).toEqual(
      methods.map((method) => ({ method, sent: method === 'GET' ? 'none' : JSON.stringify({ method }) })),
    );
  });

  it('should send a GraphQL query written with {{ }} with single braces, a sole placeholder keeping its type', async ({
    onTestFinished,
  }) => {
    const { database, dataset, startServer, runConfig } = await authWorkspace(onTestFinished);
    const reposQuery = 'query { viewer { repositories { nodes { id name } } } }';
    const issuesQuery = 'query($repo: Int!) { issues(repo: $repo) { id title } }';
    const server = await startServer({
      routes: {
        'POST /graphql': (request) => {
          const { query, variables } = request.json as { query: string; variables?: { repo?: unknown } };
          if (query === reposQuery) {
            return {
              body: {
                data: {
                  viewer: {
                    repositories: {
                      nodes: [
                        { id: 1, name: 'one' },
                        { id: 2, name: 'two' },
                      ],
                    },
                  },
                },
              },
            };
          }
          if (query === issuesQuery && typeof variables?.repo === 'number') {
            return {
              body: { data: { issues: [{ id: variables.repo * 10, title: `issue of ${variables.repo}` }] } },
            };
          }
          return { status: 400, body: { errors: [{ message: `unexpected query: ${query}` }] } };
        },
      },
    });
    const schema = dataset('graphql_braces');
    const result = await runConfig(schema, {
      pipeline: { name: 'graphql_braces' },
      source: source(server.url, [
        {
          name: 'repositories',
          endpoint: {
            path: '/graphql',
            method: 'POST',
            json: { query: 'query {{ viewer {{ repositories {{ nodes {{ id name }} }} }} }}' },
            data_selector: 'data.viewer.repositories.nodes',
          },
        },
        {
          name: 'issues',
          endpoint: {
            path: '/graphql',
            method: 'POST',
            json: {
              query: 'query($repo: Int!) {{ issues(repo: $repo) {{ id title }} }}',
              variables: { repo: '{resources.repositories.id}' },
            },
            data_selector: 'data.issues',
          },
        },
      ]),
    });

    expect(result.code, result.stderr).toBe(0);
    expect(server.requests.map((request) => request.body)).toEqual([
      JSON.stringify({ query: reposQuery }),
      JSON.stringify({ query: issuesQuery, variables: { repo: 1 } }),
      JSON.stringify({ query: issuesQuery, variables: { repo: 2 } }),
    ]);
    expect(
      await database.query(`select id::int as id, name from "${schema}"."repositories" order by id`),
    ).toEqual([
      { id: 1, name: 'one' },
      { id: 2, name: 'two' },
    ]);
    expect(await database.query(`select id::int as id, title from "${schema}"."issues" order by id`)).toEqual(
      [
        { id: 10, title: 'issue of 1' },
        { id: 20, title: 'issue of 2' },
      ],
    );
  });

  it('should refuse unknown placeholders, unescaped braces, json with data and an unbound resolve param before any request', async ({
    onTestFinished,
  }) => {
    const { database, dataset, directory, run, startServer } = await authWorkspace(onTestFinished);
    const server = await startServer({ routes: postsRoute });
    const config = await writeConfig(directory, 'sync.json', {
      pipeline: { name: 'bad_placeholders' },
      source: source(server.url, [
        { name: 'posts', endpoint: '/v1/posts' },
        { name: 'comments', endpoint: { path: '/v1/posts/{resource.posts.id}/comments' } },
        {
          name: 'search',
          endpoint: {
            path: '/v1/search',
            method: 'POST',
            params: { q: '{unknown.x}' },
            json: { query: '{ viewer }' },
            data: 'x',
          },
        },
        { name: 'changes', endpoint: { path: '/v1/changes', params: { since: '{incremental.bogus}' } } },
        {
          name: 'authors',
          endpoint: {
            path: '/v1/authors',
            params: { post: { type: 'resolve', resource: 'posts', field: 'id' } },
          },
        },
      ]),
    });

    const result = await run(['run', config, '--destination', database.url, '--dataset', dataset('bad')]);

    expect(result.code).toBe(2);
    const roots =
      'valid placeholders start with "resources." or "incremental.": {resources.<parent>.<field>}, ' +
      '{incremental.start_value}, {incremental.initial_value}, {incremental.last_value}, {incremental.end_value}';
    const valid = `${roots} (write "{{" and "}}" for literal braces)`;
    for (const expected of [
      `resources[1].endpoint.path: placeholder "{resource.posts.id}" is not valid (did you mean "{resources.posts.id}"?); ${valid}`,
      `resources[2].endpoint.params.q: placeholder "{unknown.x}" is not valid; ${valid}`,
      `resources[2].endpoint.json.query: placeholder "{ viewer }" is not valid; ${valid}`,
      `resources[2].endpoint.data: "json" and "data" cannot be used together`,
      `resources[3].endpoint.params.since: placeholder "{incremental.bogus}" is not an incremental value; ${roots}`,
      'resources[4].endpoint.params.post: resolve param "post" is not bound in the path',
      'use a placeholder instead: "post": "{resources.posts.id}"',
    ]) {
      expect(result.stderr).toContain(expected);
    }
    expect(server.requests).toEqual([]);
  });
});
