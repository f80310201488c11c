import type { RequestSpec } from '../contracts/request';
import type { ConfigIssue } from '../errors';
import type { IncrementalPlaceholders } from '../incremental/incremental';
import { isSecret } from '../secrets';
import { isSecretHeader, isSecretKey } from './config-issues';
import { type ConfigPath, formatPath, isPlainObject } from './config-keys';
import {
  compileValueTemplate,
  expandTemplate,
  type IncrementalReference,
  incrementalReferencesOf,
  type JsonTemplate,
  type ParentReference,
  parseTemplate,
  placeholderValue,
  referencesOf,
  type StringTemplate,
  type TemplateValues,
} from './placeholders';
import type { EndpointSettings, Located } from './read-config';
import { isSecretReference, resolveSecretValue, type SecretContext } from './secret-values';

/** A query parameter or form field: its name and its values (repeated for a list), filled per request. */
interface FieldTemplate {
  name: StringTemplate;
  values: StringTemplate[];
}

/** dlt's `data`: a form (an object, or a list of `[name, value]` pairs) or a raw text body. */
type DataTemplate = { kind: 'form'; fields: FieldTemplate[] } | { kind: 'raw'; text: StringTemplate };

/** An endpoint's request, compiled once: placeholders are filled per parent record. */
export interface RequestTemplate {
  method: string;
  path: StringTemplate;
  query: FieldTemplate[];
  json: JsonTemplate | undefined;
  data: DataTemplate | undefined;
  headers: [StringTemplate, StringTemplate][];
  /** Every parent field the request uses. */
  references: ParentReference[];
  /** Every `{incremental.*}` placeholder the request uses (deprecated incremental params included). */
  incrementalReferences: IncrementalReference[];
  /** The last path segment is a placeholder (`/users/{resources.users.id}`): one record per request. */
  singleEntity: boolean;
}

function isResolveParam(value: unknown): value is { type: 'resolve'; resource: string; field: string } {
  return (
    isPlainObject(value) &&
    value.type === 'resolve' &&
    typeof value.resource === 'string' &&
    typeof value.field === 'string'
  );
}

function isIncrementalParam(value: unknown): boolean {
  return isPlainObject(value) && value.type === 'incremental';
}

/** A template of fixed text (a secret, a number): sent as it is, braces included. */
function literal(text: string): StringTemplate {
  return text === '' ? [] : [text];
}

/** The deprecated `start_param` / `end_param` of `endpoint.incremental`, as query placeholders. */
function incrementalParams(endpoint: EndpointSettings): FieldTemplate[] {
  const located = endpoint.fields.incremental;
  if (!isPlainObject(located?.value)) return [];
  const entries: FieldTemplate[] = [];
  const usedIn = formatPath(located.path);
  for (const [keys, name] of [
    [['start_param', 'startParam'], 'start_value'],
    [['end_param', 'endParam'], 'end_value'],
  ] as const) {
    const param = keys.map((key) => (located.value as Record<string, unknown>)[key]).find((value) => value);
    if (typeof param === 'string')
      entries.push({ name: literal(param), values: [[{ incremental: name, usedIn }]] });
  }
  return entries;
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

type Reporter = (path: ConfigPath) => (message: string) => void;

/** A string read as a template (placeholders and `{{ }}` escapes) at `path`. */
function textTemplate(text: string, path: ConfigPath, report: Reporter): StringTemplate {
  return parseTemplate(text, { usedIn: formatPath(path), inPath: false, report: report(path) });
}

/** A secret-like literal (under `api_key`, `Authorization`, ...) read as a template: a problem never quotes it. */
function sensitiveTemplate(text: string, path: ConfigPath, report: Reporter): StringTemplate {
  return textTemplate(
    text,
    path,
    (where) => () =>
      report(where)(
        'the value holds braces that are not a valid placeholder (not shown: it looks like a secret); ' +
          'write "{{" and "}}" for literal braces, or read it with { "secret": "<name>" }, which is sent as it is',
      ),
  );
}

/**
 * The values of a query parameter or form field: a secret is sent as it is; a string is a
 * template; a list repeats the field; `null` leaves it out.
 */
function fieldValues(
  name: string,
  value: unknown,
  path: ConfigPath,
  secrets: SecretContext,
  report: Reporter,
): StringTemplate[] {
  if (isSecretReference(value) || isSecret(value)) {
    const resolved = resolveSecretValue(value, secrets);
    return typeof resolved === 'string' ? [literal(resolved)] : [];
  }
  if (typeof value === 'string') {
    if (!isSecretKey(name)) return [textTemplate(value, path, report)];
    secrets.redactor.add(value);
    return [sensitiveTemplate(value, path, report)];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, index) =>
      typeof item === 'string'
        ? [textTemplate(item, [...path, index], report)]
        : scalarText(item) === undefined
          ? []
          : [literal(scalarText(item) as string)],
    );
  }
  const text = scalarText(value);
  return text === undefined ? [] : [literal(text)];
}

/** Compiles dlt's `data`: an object or a list of `[name, value]` pairs is a form, a string a raw body. */
function compileData(located: Located, secrets: SecretContext, report: Reporter): DataTemplate | undefined {
  const { value, path } = located;
  if (typeof value === 'string') return { kind: 'raw', text: textTemplate(value, path, report) };
  const pairs: [string, unknown, ConfigPath][] = Array.isArray(value)
    ? value.flatMap((pair, index) =>
        Array.isArray(pair) && typeof pair[0] === 'string'
          ? [[pair[0], pair[1], [...path, index, 1]] as [string, unknown, ConfigPath]]
          : [],
      )
    : isPlainObject(value)
      ? Object.entries(value).map(
          ([name, item]) => [name, item, [...path, name]] as [string, unknown, ConfigPath],
        )
      : [];
  return {
    kind: 'form',
    fields: pairs.map(([name, item, where]) => ({
      name: textTemplate(name, Array.isArray(value) ? [...where.slice(0, -1), 0] : where, report),
      values: fieldValues(name, item, where, secrets, report),
    })),
  };
}

/** A resolve param that no path placeholder binds: dlt refuses it, and so do we, with dlt's advice. */
function unboundResolveMessage(name: string, param: { resource: string; field: string }): string {
  return (
    `resolve param "${name}" is not bound in the path: a resolve param only fills a "{${name}}" in the path (as in dlt). ` +
    `To send a parent field in a query param or elsewhere in the request, use a placeholder instead: ` +
    `"${name}": "{resources.${param.resource}.${param.field}}"`
  );
}

/**
 * Compiles an endpoint's path, params, body (`json` or `data`) and headers. `{resources.<parent>.<field>}`
 * placeholders (and dlt's `resolve` params) become references to the parent record; a `{name}` in
 * the path takes a param's value (dlt's path binding) and removes it from the query. `{{` and `}}`
 * are literal braces everywhere, keys included. Secrets are sent as they are and registered with the
 * redactor.
 */
export function compileRequestTemplate(
  endpoint: EndpointSettings,
  secrets: SecretContext,
  issues: ConfigIssue[],
): RequestTemplate {
  const report: Reporter = (path) => (message) => issues.push({ path: formatPath(path), message });
  const pathField = endpoint.fields.path;
  const rawPath = typeof pathField?.value === 'string' ? pathField.value : '';
  const pathWhere = pathField ? formatPath(pathField.path) : formatPath(endpoint.path);
  const consumed = new Set<string>();

  const path = parseTemplate(rawPath, {
    usedIn: pathWhere,
    inPath: true,
    report: report(pathField?.path ?? endpoint.path),
    resolveName: (name) => {
      const param = endpoint.params.get(name);
      if (!param) return undefined;
      consumed.add(name);
      if (isResolveParam(param.value)) {
        return { resource: param.value.resource, field: param.value.field, usedIn: formatPath(param.path) };
      }
      const resolved = resolveSecretValue(param.value, secrets, isSecretKey(name));
      const text = scalarText(resolved);
      if (text === undefined)
        return { problem: `param "${name}" used in the path must be a string or number` };
      return encodeURIComponent(text);
    },
  });

  const query: FieldTemplate[] = [];
  for (const [name, located] of endpoint.params) {
    if (consumed.has(name)) continue;
    const { value } = located;
    const nameTemplate = textTemplate(name, located.path, report);
    if (isResolveParam(value)) {
      report(located.path)(unboundResolveMessage(name, value));
    } else if (isIncrementalParam(value)) {
      query.push({
        name: nameTemplate,
        values: [[{ incremental: 'start_value', usedIn: formatPath(located.path) }]],
      });
    } else {
      query.push({ name: nameTemplate, values: fieldValues(name, value, located.path, secrets, report) });
    }
  }

  const headers: [StringTemplate, StringTemplate][] = [];
  for (const [name, located] of endpoint.headers) {
    const secretReference = isSecretReference(located.value) || isSecret(located.value);
    const resolved = resolveSecretValue(located.value, secrets, isSecretHeader(name));
    if (typeof resolved !== 'string') continue;
    headers.push([
      textTemplate(name, located.path, report),
      secretReference
        ? literal(resolved)
        : isSecretHeader(name)
          ? sensitiveTemplate(resolved, located.path, report)
          : textTemplate(resolved, located.path, report),
    ]);
  }

  query.push(...incrementalParams(endpoint));
  const bodyParts: StringTemplate = [];
  const jsonField = endpoint.fields.json;
  const json =
    jsonField === undefined
      ? undefined
      : compileValueTemplate(jsonField.value, jsonField.path, {
          report,
          references: bodyParts,
          keepType: true,
        });
  const dataField = endpoint.fields.data;
  const data = dataField === undefined ? undefined : compileData(dataField, secrets, report);
  const method = (
    typeof endpoint.fields.method?.value === 'string' ? endpoint.fields.method.value : 'GET'
  ).toUpperCase();
  if (jsonField !== undefined && dataField !== undefined) {
    report(dataField.path)(
      `"json" and "data" cannot be used together (dlt: "Cannot use both 'json' and 'data' parameters simultaneously"): ` +
        'a request has one body. Keep "json" for a JSON body, or "data" for a form or raw body',
    );
  }
  const bodyField = dataField ?? jsonField;
  if (method === 'GET' && bodyField !== undefined) {
    report(bodyField.path)(
      'a GET request cannot carry a body (fetch refuses to send one); set "method" to POST, PUT, PATCH or DELETE',
    );
  }

  const fieldTemplates = (fields: FieldTemplate[]) =>
    fields.flatMap((field) => [field.name, ...field.values]);
  const templates = [
    path,
    ...fieldTemplates(query),
    ...headers.flat(),
    bodyParts,
    ...(data?.kind === 'form' ? fieldTemplates(data.fields) : data ? [data.text] : []),
  ];
  return {
    method,
    path,
    query,
    json,
    data,
    headers,
    references: templates.flatMap(referencesOf),
    incrementalReferences: templates.flatMap(incrementalReferencesOf),
    singleEntity: /\{[^{}]+\}\/?$/.test(rawPath.replaceAll('{{', '').replaceAll('}}', '')),
  };
}

/** The values of a field, leaving out one that is only an incremental placeholder without a value. */
function expandValues(values: StringTemplate[], templateValues: TemplateValues, resource: string): string[] {
  return values.flatMap((value) => {
    const [only] = value;
    if (value.length === 1 && typeof only === 'object' && 'incremental' in only) {
      const filled = placeholderValue(only, templateValues, resource);
      if (filled === undefined || filled === null) return [];
    }
    return [expandTemplate(value, templateValues, resource)];
  });
}

/**
 * The request for one request sequence: placeholders filled from the parent record and the
 * incremental values, URL resolved. A param that is only an incremental placeholder with no value
 * (no start value on a first run without `initial_value`) is left out. A form body gets
 * `content-type: application/x-www-form-urlencoded` unless a header sets another; a raw body gets
 * no content type of its own (as in dlt).
 */
export function buildRequest(
  template: RequestTemplate,
  resolveUrl: (path: string) => string,
  resource: string,
  parent: Record<string, unknown> | undefined,
  incremental?: IncrementalPlaceholders,
): RequestSpec {
  const values = { parent, incremental };
  const url = new URL(resolveUrl(expandTemplate(template.path, values, resource, encodeURIComponent)));
  for (const field of template.query) {
    const name = expandTemplate(field.name, values, resource);
    for (const value of expandValues(field.values, values, resource)) url.searchParams.append(name, value);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of template.headers) {
    headers[expandTemplate(name, values, resource)] = expandTemplate(value, values, resource);
  }
  const request: RequestSpec = { method: template.method, url: url.toString(), headers };
  if (template.json) request.json = template.json(values, resource);
  if (template.data?.kind === 'raw') request.body = expandTemplate(template.data.text, values, resource);
  if (template.data?.kind === 'form') {
    const form = new URLSearchParams();
    for (const field of template.data.fields) {
      const name = expandTemplate(field.name, values, resource);
      for (const value of expandValues(field.values, values, resource)) form.append(name, value);
    }
    request.body = form.toString();
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
  }
  return request;
}
