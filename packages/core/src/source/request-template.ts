import type { RequestSpec } from '../contracts/request';
import type { ConfigIssue } from '../errors';
import type { IncrementalPlaceholders } from '../incremental/incremental';
import { isSecret } from '../secrets';
import { isSecretHeader, isSecretKey } from './config-issues';
import { formatPath, isPlainObject } from './config-keys';
import {
  compileJsonTemplate,
  expandTemplate,
  hasPlaceholders,
  type IncrementalReference,
  incrementalReferencesOf,
  type JsonTemplate,
  type ParentReference,
  parseTemplate,
  placeholderValue,
  referencesOf,
  type StringTemplate,
} from './placeholders';
import type { EndpointSettings } from './read-config';
import { isSecretReference, resolveSecretValue, type SecretContext } from './secret-values';

/** A query parameter: fixed values (repeated for a list) or a template filled per parent record. */
type QueryEntry = { name: string; values: string[] } | { name: string; template: StringTemplate };

/** An endpoint's request, compiled once: placeholders are filled per parent record. */
export interface RequestTemplate {
  method: string;
  path: StringTemplate;
  query: QueryEntry[];
  json: JsonTemplate | undefined;
  headers: [string, StringTemplate][];
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

/** The deprecated `start_param` / `end_param` of `endpoint.incremental`, as query placeholders. */
function incrementalParams(endpoint: EndpointSettings): QueryEntry[] {
  const located = endpoint.fields.incremental;
  if (!isPlainObject(located?.value)) return [];
  const entries: QueryEntry[] = [];
  const usedIn = formatPath(located.path);
  for (const [keys, name] of [
    [['start_param', 'startParam'], 'start_value'],
    [['end_param', 'endParam'], 'end_value'],
  ] as const) {
    const param = keys.map((key) => (located.value as Record<string, unknown>)[key]).find((value) => value);
    if (typeof param === 'string') entries.push({ name: param, template: [{ incremental: name, usedIn }] });
  }
  return entries;
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * Compiles an endpoint's path, params, JSON body and headers. `{resources.<parent>.<field>}`
 * placeholders (and dlt's `resolve` params) become references to the parent record; a
 * `{name}` in the path takes a param's value (dlt's path binding) and removes it from the query.
 * Secrets in params and headers are resolved now and registered with the redactor.
 */
export function compileRequestTemplate(
  endpoint: EndpointSettings,
  secrets: SecretContext,
  issues: ConfigIssue[],
): RequestTemplate {
  const report = (path: readonly (string | number)[]) => (message: string) =>
    issues.push({ path: formatPath(path), message });
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

  const query: QueryEntry[] = [];
  for (const [name, located] of endpoint.params) {
    if (consumed.has(name)) continue;
    const where = formatPath(located.path);
    const { value } = located;
    if (isResolveParam(value)) {
      query.push({ name, template: [{ resource: value.resource, field: value.field, usedIn: where }] });
    } else if (isIncrementalParam(value)) {
      query.push({ name, template: [{ incremental: 'start_value', usedIn: where }] });
    } else if (isSecretReference(value) || isSecret(value)) {
      const resolved = resolveSecretValue(value, secrets);
      if (typeof resolved === 'string') query.push({ name, values: [resolved] });
    } else if (typeof value === 'string') {
      if (isSecretKey(name)) secrets.redactor.add(value);
      const template = parseTemplate(value, { usedIn: where, inPath: false, report: report(located.path) });
      if (hasPlaceholders(template)) query.push({ name, template });
      else query.push({ name, values: [value] });
    } else if (Array.isArray(value)) {
      query.push({ name, values: value.map(scalarText).filter((item) => item !== undefined) });
    } else {
      const text = scalarText(value);
      if (text !== undefined) query.push({ name, values: [text] });
    }
  }

  const headers: [string, StringTemplate][] = [];
  for (const [name, located] of endpoint.headers) {
    const resolved = resolveSecretValue(located.value, secrets, isSecretHeader(name));
    if (typeof resolved !== 'string') continue;
    headers.push([
      name,
      parseTemplate(resolved, {
        usedIn: formatPath(located.path),
        inPath: false,
        report: report(located.path),
      }),
    ]);
  }

  query.push(...incrementalParams(endpoint));
  const templates = [
    path,
    ...query.flatMap((entry) => ('template' in entry ? [entry.template] : [])),
    ...headers.map(([, template]) => template),
  ];
  const jsonParts: StringTemplate = [];
  const jsonField = endpoint.fields.json;
  const json =
    jsonField === undefined
      ? undefined
      : compileJsonTemplate(jsonField.value, formatPath(jsonField.path), report(jsonField.path), jsonParts);
  templates.push(jsonParts);
  const references = templates.flatMap(referencesOf);
  const incrementalReferences = templates.flatMap(incrementalReferencesOf);
  const method = typeof endpoint.fields.method?.value === 'string' ? endpoint.fields.method.value : 'GET';

  return {
    method: method.toUpperCase(),
    path,
    query,
    json,
    headers,
    references,
    incrementalReferences,
    singleEntity: /\{[^{}]+\}\/?$/.test(rawPath),
  };
}

/**
 * The request for one request sequence: placeholders filled from the parent record and the
 * incremental values, URL resolved. A param that is only an incremental placeholder with no value
 * (no start value on a first run without `initial_value`) is left out.
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
  for (const entry of template.query) {
    if ('values' in entry) {
      for (const value of entry.values) url.searchParams.append(entry.name, value);
      continue;
    }
    const [only] = entry.template;
    if (entry.template.length === 1 && typeof only === 'object' && 'incremental' in only) {
      const value = placeholderValue(only, values, resource);
      if (value === undefined || value === null) continue;
    }
    url.searchParams.append(entry.name, expandTemplate(entry.template, values, resource));
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of template.headers) headers[name] = expandTemplate(value, values, resource);
  const request: RequestSpec = { method: template.method, url: url.toString(), headers };
  if (template.json) request.json = template.json(values, resource);
  return request;
}
