import { describe, expect, it } from 'vitest';
import type { ConfigPath } from './config-keys';
import { compileValueTemplate, expandTemplate, parseTemplate, type StringTemplate } from './placeholders';

const post = { id: 1, id2: 2, name: '测试', title: 'テスト', kind: 'post', empty: '', user: { id: 7 } };

/** Parses `text` as a value (params, headers, data) or a path; returns the problems met. */
function parse(
  text: string,
  options: { inPath?: boolean; params?: Record<string, string> } = {},
): { template: StringTemplate; problems: string[] } {
  const problems: string[] = [];
  const template = parseTemplate(text, {
    usedIn: 'endpoint',
    inPath: options.inPath ?? false,
    report: (message) => problems.push(message),
    resolveName: (name) => options.params?.[name],
  });
  return { template, problems };
}

/** `text` filled from the parent record `post`; fails on a problem. */
function fill(text: string, options: { inPath?: boolean; params?: Record<string, string> } = {}): string {
  const { template, problems } = parse(text, options);
  expect(problems).toEqual([]);
  return expandTemplate(template, { parent: post }, 'comments');
}

/** A body filled from `post`: `keepType` as for `json`, not as for `data`. */
function fillBody(value: unknown, keepType = true): { body: unknown; problems: string[] } {
  const problems: string[] = [];
  const report = (path: ConfigPath) => (message: string) => problems.push(`${path.join('.')}: ${message}`);
  const compiled = compileValueTemplate(value, ['json'], { report, references: [], keepType });
  return { body: compiled({ parent: post }, 'comments'), problems };
}

// dlt's interpolation table (tests/sources/rest_api/test_interpolation.py and its docs), case by case,
// with dlt's bare `{id}` written as the placeholder restsync accepts outside a path.
describe('parseTemplate and expandTemplate (strings: path, params, headers, data)', () => {
  it.each([
    ['a placeholder', 'posts/{resources.posts.id}', 'posts/1'],
    ['a dotted field', 'users/{resources.posts.user.id}', 'users/7'],
    ['escaped braces', 'posts/{resources.posts.id}/{{not_this}}', 'posts/1/{not_this}'],
    ['mixed braces', 'posts/{{not_this}}/{resources.posts.id}/{{also_not}}', 'posts/{not_this}/1/{also_not}'],
    ['triple braces', 'posts/{{{resources.posts.id}}}', 'posts/{1}'],
    ['double escaped braces', 'posts/{{{{not_this}}}}/{resources.posts.id}', 'posts/{{not_this}}/1'],
    ['escaped braces around a placeholder', 'posts/{{not_this {resources.posts.id}}}', 'posts/{not_this 1}'],
    ['an empty value', 'posts/{resources.posts.empty}', 'posts/'],
    ['unicode', '{resources.posts.name} ❤️ {resources.posts.title}', '测试 ❤️ テスト'],
    ['no placeholder', 'just a string', 'just a string'],
    ['an empty string', '', ''],
    [
      'a GraphQL query',
      'query {{ post(id: {resources.posts.id}) {{ title }} }}',
      'query { post(id: 1) { title } }',
    ],
  ])('should fill %s', (_case, text, expected) => {
    expect(fill(text)).toBe(expected);
  });

  it("should bind a path's {name} to a param of that name (dlt's legacy path binding)", () => {
    expect(fill('posts/{id}/{{not_this}}', { inPath: true, params: { id: '5' } })).toBe('posts/5/{not_this}');
  });

  it.each([
    [
      'an unknown root',
      '{unknown.x}',
      'placeholder "{unknown.x}" is not valid; valid placeholders start with',
    ],
    [
      'a misspelled root',
      '{resource.posts.id}',
      'placeholder "{resource.posts.id}" is not valid (did you mean "{resources.posts.id}"?)',
    ],
    [
      'an unknown incremental value',
      '{incremental.bogus}',
      'placeholder "{incremental.bogus}" is not an incremental value',
    ],
    ['a bare name outside a path', 'id={id}', 'placeholder "{id}" is not valid'],
    ['a lone closing brace', 'a } b', 'a single "}" at position 2 is not a placeholder'],
    ['an unclosed brace', 'a { b', 'a "{" at position 2 opens no placeholder'],
    ['an unescaped GraphQL query', 'query { viewer { login } }', 'a "{" at position 6 opens no placeholder'],
    [
      'a resources placeholder without a field',
      '{resources.posts}',
      'placeholder "{resources.posts}" is malformed',
    ],
  ])('should report %s instead of sending it as text', (_case, text, message) => {
    const { problems } = parse(text);
    expect(problems[0]).toContain(message);
  });

  it('should list the valid placeholders and the escape in the message for an unknown one', () => {
    const [problem] = parse('{unknown.x}').problems;
    expect(problem).toBe(
      'placeholder "{unknown.x}" is not valid; valid placeholders start with "resources." or "incremental.": ' +
        '{resources.<parent>.<field>}, {incremental.start_value}, {incremental.initial_value}, ' +
        '{incremental.last_value}, {incremental.end_value} (write "{{" and "}}" for literal braces)',
    );
  });

  it('should report a path placeholder that names no param, with the escape', () => {
    expect(parse('posts/{unbound}', { inPath: true }).problems).toEqual([
      'placeholder "{unbound}" is neither "{resources.<parent>.<field>}" nor the name of a param in the ' +
        `endpoint's params (write "{{" and "}}" for literal braces)`,
    ]);
  });
});

describe('compileValueTemplate (bodies: json keeps types, data does not)', () => {
  it.each([
    [
      'a nested JSON body',
      { dict: { b: { c: '{resources.posts.id}' }, list: ['{resources.posts.id}', '{resources.posts.id2}'] } },
      { dict: { b: { c: 1 }, list: [1, 2] } },
    ],
    [
      'a nested dict with escaped braces',
      {
        path: 'posts/{resources.posts.id}/{{not_this}}',
        nested: { path: '{{not_this}}/{resources.posts.id}/{{also_not}}', value: '{resources.posts.id}' },
      },
      { path: 'posts/1/{not_this}', nested: { path: '{not_this}/1/{also_not}', value: 1 } },
    ],
    [
      'mixed structures with escaped braces',
      {
        list: ['{{not_this}}', '{resources.posts.id}', '{{also_not}}'],
        dict: { key: '{{not_this}}', value: '{resources.posts.id}' },
      },
      { list: ['{not_this}', 1, '{also_not}'], dict: { key: '{not_this}', value: 1 } },
    ],
    ['empty containers', { empty_list: [], empty_dict: {} }, { empty_list: [], empty_dict: {} }],
    [
      'mixed nested structures',
      {
        mixed: [
          { id: '{resources.posts.kind}' },
          123,
          ['{resources.posts.id2}', true],
          { nested: { key: '{resources.posts.name}' } },
        ],
      },
      { mixed: [{ id: 'post' }, 123, [2, true], { nested: { key: '测试' } }] },
    ],
    [
      'placeholders and escapes in dict keys',
      { '{resources.posts.kind}_id': '{resources.posts.id}', 'X-{{escaped}}': 'v' },
      { post_id: 1, 'X-{escaped}': 'v' },
    ],
    ['a sole placeholder of an object', { user: '{resources.posts.user}' }, { user: { id: 7 } }],
    ['a placeholder inside text', { label: 'post {resources.posts.id}' }, { label: 'post 1' }],
    [
      'a GraphQL body',
      { query: 'query {{ viewer {{ login }} }}', variables: { id: '{resources.posts.id}' } },
      { query: 'query { viewer { login } }', variables: { id: 1 } },
    ],
    ['null and numbers as they are', { a: null, b: 2.5, c: false }, { a: null, b: 2.5, c: false }],
  ])('should fill %s', (_case, value, expected) => {
    expect(fillBody(value)).toEqual({ body: expected, problems: [] });
  });

  it('should fill every placeholder as text in a form body (data), as dlt does outside json', () => {
    expect(
      fillBody({ post_id: '{resources.posts.id}', user: '{resources.posts.user.id}' }, false).body,
    ).toEqual({
      post_id: '1',
      user: '7',
    });
  });

  it('should report the first problem of each bad string at its own path, keys included', () => {
    const { problems } = fillBody({ query: 'query { viewer { id } }', filter: { '{unknown.key}': 1 } });
    expect(problems).toEqual([
      'json.query: a "{" at position 6 opens no placeholder; write "{{" and "}}" for literal braces',
      'json.filter.{unknown.key}: placeholder "{unknown.key}" is not valid; valid placeholders start with ' +
        '"resources." or "incremental.": {resources.<parent>.<field>}, {incremental.start_value}, ' +
        '{incremental.initial_value}, {incremental.last_value}, {incremental.end_value} ' +
        '(write "{{" and "}}" for literal braces)',
    ]);
  });
});
