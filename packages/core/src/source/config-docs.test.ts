import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../config/forms';

// docs/configuration.md is the reference users read: it must list exactly the options the
// schema accepts. When this fails, update the doc (or the schema) so they agree again.

type JsonSchema = Record<string, unknown>;

/** The kinds of config objects, named after where they appear. */
type ObjectKind =
  | 'root'
  | 'client'
  | 'retry'
  | 'resourceDefaults'
  | 'resource'
  | 'endpoint'
  | 'responseAction'
  | 'resolveParam'
  | 'secretReference'
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
  resource: { heading: '## `resources`', table: true },
  endpoint: { heading: '## `endpoint`', table: true },
  responseAction: { heading: '### Response actions', table: true },
  resolveParam: { heading: '### `resolve` params', table: true },
  secretReference: { heading: '## Secrets', table: false },
  adapter: { heading: '## Paginators and auths', table: false },
};

/** dlt names whose camelCase spelling is not simply the camelCase of the dlt name. */
const camelAliases: Record<string, string> = { status_code: 'status' };

function kindOf(path: readonly string[], properties: Set<string>): ObjectKind {
  if (path.length === 0) return 'root';
  const named = path.filter((segment) => segment !== '[]' && segment !== '*');
  const last = named[named.length - 1];
  switch (last) {
    case 'client':
      return 'client';
    case 'retry':
      return 'retry';
    case 'resource_defaults':
      return 'resourceDefaults';
    case 'resources':
      return 'resource';
    case 'endpoint':
      return 'endpoint';
    case 'response_actions':
      return 'responseAction';
    case 'headers':
      return 'secretReference';
    case 'params':
      return properties.has('secret') ? 'secretReference' : 'resolveParam';
    case 'auth':
    case 'paginator':
      return 'adapter';
    default:
      throw new Error(
        `The schema has an object at ${path.join('.')} that docs/configuration.md does not cover yet: ` +
          'add a section for it to the doc and to this test',
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
function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`docs/configuration.md has no heading "${heading}"`);
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
function optionsTable(text: string): DocumentedOption[] {
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
  if (camelColumn === -1 || dltColumn === -1)
    throw new Error('expected a table with "camelCase" and "dlt form"');
  const firstCode = (cell: string | undefined) => /`([^`]+)`/.exec(cell ?? '')?.[1] ?? '';
  return rows.slice(2).map((cells) => ({
    dltName: firstCode(cells[dltColumn]),
    camelName: firstCode(cells[camelColumn]),
    codeOnly: (cells[dltColumn] ?? '').includes('(code only)'),
    required: typeColumn !== -1 && (cells[typeColumn] ?? '').includes('required'),
  }));
}

function camelCase(name: string): string {
  return camelAliases[name] ?? name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

const doc = readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8');
const objects = schemaObjects(configJsonSchema());
const objectOf = (kind: ObjectKind): SchemaObject => {
  const object = objects.get(kind);
  if (!object) throw new Error(`the schema has no ${kind} object any more: update this test and the doc`);
  return object;
};

describe('docs/configuration.md', () => {
  it('should have a section for each top-level key', () => {
    for (const key of objectOf('root').properties) {
      expect(doc, `a heading that names "${key}"`).toMatch(new RegExp(`^##+ .*\`${key}\``, 'm'));
    }
  });

  for (const [kind, place] of Object.entries(documentedIn)) {
    if (place.table) {
      it(`should list exactly the ${kind} options of the schema in "${place.heading}"`, () => {
        const schema = objectOf(kind as ObjectKind);
        const documented = optionsTable(section(doc, place.heading));
        const inJson = documented.filter((option) => !option.codeOnly);
        expect(inJson.map((option) => option.dltName).sort()).toEqual([...schema.properties].sort());
        expect(
          inJson.filter((option) => option.required).map((option) => option.dltName),
          'options marked "required" in the type column',
        ).toEqual([...schema.required].filter((name) => schema.properties.has(name)));
        for (const option of documented) {
          expect(option.camelName, `the camelCase spelling of ${option.dltName}`).toBe(
            camelCase(option.dltName),
          );
          if (option.codeOnly) {
            expect(schema.properties.has(option.dltName), `${option.dltName} is marked code only`).toBe(
              false,
            );
          }
        }
      });
    } else {
      it(`should mention every ${kind} key in "${place.heading}"`, () => {
        const text = section(doc, place.heading);
        for (const key of objectOf(kind as ObjectKind).properties) {
          expect(text, `"${key}" in ${place.heading}`).toMatch(new RegExp(`[\`"]${key}[\`"]`));
        }
      });
    }
  }

  it('should describe resource_defaults as the resource options without name, as the schema has them', () => {
    const resource = objectOf('resource').properties;
    const defaults = objectOf('resourceDefaults').properties;
    expect([...defaults].sort()).toEqual([...resource].filter((name) => name !== 'name').sort());
    expect(section(doc, '### `resourceDefaults` / `resource_defaults`')).toContain(
      'The same keys as a resource, without `name`',
    );
  });
});
