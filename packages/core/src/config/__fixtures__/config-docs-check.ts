/*
 * Checks a configuration reference (docs/configuration.md) against a config JSON Schema: every
 * options table lists exactly the keys of its config object, in both spellings, with the
 * required ones marked. Used by the docs test, and by the fixture that adds a config key.
 */

type JsonSchema = Record<string, unknown>;

/** The kinds of config objects, named after where they appear. */
type ObjectKind =
  | 'root'
  | 'client'
  | 'retry'
  | 'rateLimit'
  | 'circuitBreaker'
  | 'resourceDefaults'
  | 'resource'
  | 'endpoint'
  | 'responseAction'
  | 'resolveParam'
  | 'incremental'
  | 'incrementalParam'
  | 'secretReference'
  | 'columnHint'
  | 'schemaContract'
  | 'writeDisposition'
  | 'adapter';

interface SchemaObject {
  /** Property names (dlt form). */
  properties: Set<string>;
  required: Set<string>;
}

/** Where the doc describes each kind: a table of options under a heading, or a mention in a section. */
const documentedIn: Record<
  Exclude<ObjectKind, 'root' | 'resourceDefaults'>,
  { heading: string; table: boolean }
> = {
  client: { heading: '## `client`', table: true },
  retry: { heading: '### Retry options', table: true },
  rateLimit: { heading: '### Rate limit options', table: true },
  circuitBreaker: { heading: '### Circuit breaker options', table: true },
  resource: { heading: '## `resources`', table: true },
  endpoint: { heading: '## `endpoint`', table: true },
  responseAction: { heading: '### Response actions', table: true },
  resolveParam: { heading: '### `resolve` params', table: true },
  incremental: { heading: '### `incremental`', table: true },
  incrementalParam: { heading: '### Param-level `incremental` (deprecated)', table: true },
  secretReference: { heading: '## Secrets', table: false },
  columnHint: { heading: '### Column hints (`columns`)', table: true },
  schemaContract: { heading: '### Schema contract (`schema_contract`)', table: true },
  writeDisposition: { heading: '### `write_disposition` dict form', table: true },
  adapter: { heading: '## Paginators and auths', table: false },
};

function kindOf(path: readonly string[], properties: Set<string>): ObjectKind {
  if (path.length === 0) return 'root';
  const named = path.filter((segment) => segment !== '[]' && segment !== '*');
  const last = named[named.length - 1];
  switch (last) {
    case 'client':
      return 'client';
    case 'retry':
      return 'retry';
    case 'rate_limit':
      return 'rateLimit';
    case 'circuit_breaker':
      return 'circuitBreaker';
    case 'resource_defaults':
      return 'resourceDefaults';
    case 'resources':
      return 'resource';
    case 'endpoint':
      return 'endpoint';
    case 'response_actions':
      return 'responseAction';
    case 'headers':
    case 'data':
      return 'secretReference';
    case 'params':
      if (properties.has('cursor_path')) return 'incrementalParam';
      return properties.has('secret') ? 'secretReference' : 'resolveParam';
    case 'incremental':
      return 'incremental';
    case 'columns':
      return 'columnHint';
    case 'schema_contract':
      return 'schemaContract';
    case 'write_disposition':
      return 'writeDisposition';
    case 'auth':
    case 'paginator':
      return 'adapter';
    default:
      throw new Error(
        `The schema has an object at ${path.join('.')} that docs/configuration.md does not cover yet: ` +
          'add a section for it to the doc and to config/__fixtures__/config-docs-check.ts',
      );
  }
}

/** Every object of the schema with properties, grouped by kind (properties united over occurrences). */
function schemaObjects(schema: JsonSchema): Map<ObjectKind, SchemaObject> {
  const found = new Map<ObjectKind, SchemaObject>();
  const visit = (node: unknown, path: string[]) => {
    if (typeof node !== 'object' || node === null) return;
    const object = node as JsonSchema;
    if (typeof object.properties === 'object' && object.properties !== null) {
      const properties = object.properties as JsonSchema;
      const names = new Set(Object.keys(properties));
      const kind = kindOf(path, names);
      const entry = found.get(kind) ?? { properties: new Set<string>(), required: new Set<string>() };
      for (const name of names) entry.properties.add(name);
      for (const name of (object.required as string[] | undefined) ?? []) entry.required.add(name);
      found.set(kind, entry);
      for (const [name, child] of Object.entries(properties)) visit(child, [...path, name]);
    }
    if (object.items) visit(object.items, [...path, '[]']);
    if (typeof object.additionalProperties === 'object') visit(object.additionalProperties, [...path, '*']);
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      for (const member of (object[key] as unknown[] | undefined) ?? []) visit(member, path);
    }
  };
  visit(schema, []);
  return found;
}

/** The text of a section: from its heading line to the next heading of the same or a higher level. */
function section(markdown: string, heading: string): string | undefined {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start === -1) return undefined;
  const level = heading.indexOf(' ');
  let end = start + 1;
  while (end < lines.length) {
    const match = /^(#+) /.exec(lines[end] ?? '');
    if (match?.[1] && match[1].length <= level) break;
    end += 1;
  }
  return lines.slice(start + 1, end).join('\n');
}

interface DocumentedOption {
  /** The dlt name, from the `dlt form` column. */
  dltName: string;
  /** The camelCase name, from the `camelCase` column. */
  camelName: string;
  codeOnly: boolean;
  required: boolean;
}

/** The rows of the first table of a section: an options table with `camelCase` and `dlt form` columns. */
function optionsTable(text: string): DocumentedOption[] | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith('|'));
  const end = lines.findIndex((line, index) => index > start && !line.startsWith('|'));
  const rows = lines.slice(start, end === -1 ? undefined : end).map((line) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim()),
  );
  const header = rows[0] ?? [];
  const camelColumn = header.indexOf('camelCase');
  const dltColumn = header.indexOf('dlt form');
  const typeColumn = header.indexOf('type');
  if (start === -1 || camelColumn === -1 || dltColumn === -1) return undefined;
  const firstCode = (cell: string | undefined) => /`([^`]+)`/.exec(cell ?? '')?.[1] ?? '';
  return rows.slice(2).map((cells) => ({
    dltName: firstCode(cells[dltColumn]),
    camelName: firstCode(cells[camelColumn]),
    codeOnly: (cells[dltColumn] ?? '').includes('(code only)'),
    required: typeColumn !== -1 && (cells[typeColumn] ?? '').includes('required'),
  }));
}

const sorted = (names: Iterable<string>) => [...names].sort().join(', ');

/**
 * Where `markdown` disagrees with `schema`, one line per problem (empty when they agree).
 * `camelCaseOf` gives the camelCase spelling of a dlt name.
 */
export function configDocsProblems(
  markdown: string,
  schema: JsonSchema,
  camelCaseOf: (dltName: string) => string,
): string[] {
  const problems: string[] = [];
  const objects = schemaObjects(schema);
  for (const key of objects.get('root')?.properties ?? []) {
    if (!new RegExp(`^##+ .*\`${key}\``, 'm').test(markdown)) problems.push(`no heading names "${key}"`);
  }
  for (const [kind, place] of Object.entries(documentedIn)) {
    const object = objects.get(kind as ObjectKind);
    const text = section(markdown, place.heading);
    if (!object) {
      problems.push(`the schema has no ${kind} object any more: update the doc and this check`);
      continue;
    }
    if (text === undefined) {
      problems.push(`no heading "${place.heading}"`);
      continue;
    }
    if (!place.table) {
      for (const key of object.properties) {
        if (!new RegExp(`[\`"]${key}[\`"]`).test(text))
          problems.push(`${place.heading} does not mention "${key}"`);
      }
      continue;
    }
    const documented = optionsTable(text);
    if (!documented) {
      problems.push(`${place.heading} has no options table with "camelCase" and "dlt form" columns`);
      continue;
    }
    const inData = documented.filter((option) => !option.codeOnly);
    const listed = new Set(inData.map((option) => option.dltName));
    const missing = [...object.properties].filter((name) => !listed.has(name));
    const extra = [...listed].filter((name) => !object.properties.has(name));
    if (missing.length > 0) problems.push(`${place.heading} does not list ${sorted(missing)}`);
    if (extra.length > 0)
      problems.push(`${place.heading} lists ${sorted(extra)}, which the schema does not have`);
    const markedRequired = sorted(inData.filter((option) => option.required).map((option) => option.dltName));
    if (markedRequired !== sorted(object.required)) {
      problems.push(
        `${place.heading} marks ${markedRequired || 'nothing'} required; the schema requires ${sorted(object.required) || 'nothing'}`,
      );
    }
    for (const option of documented) {
      if (option.camelName !== camelCaseOf(option.dltName)) {
        problems.push(
          `${place.heading}: the camelCase of ${option.dltName} is ${camelCaseOf(option.dltName)}, not ${option.camelName}`,
        );
      }
      if (option.codeOnly && object.properties.has(option.dltName)) {
        problems.push(`${place.heading}: ${option.dltName} is marked code only but is in the schema`);
      }
    }
  }
  const resource = objects.get('resource')?.properties ?? new Set<string>();
  const defaults = objects.get('resourceDefaults')?.properties ?? new Set<string>();
  if (sorted(defaults) !== sorted([...resource].filter((name) => name !== 'name'))) {
    problems.push('resource_defaults is no longer the resource options without name: update the doc');
  }
  if (
    !section(markdown, '### `resourceDefaults` / `resource_defaults`')?.includes(
      'The same keys as a resource, without `name`',
    )
  ) {
    problems.push(
      '### `resourceDefaults` / `resource_defaults` does not say "The same keys as a resource, without `name`"',
    );
  }
  return problems;
}
