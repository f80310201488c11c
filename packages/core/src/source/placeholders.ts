import { ResponseError } from '../errors';
import type { IncrementalPlaceholders } from '../incremental/incremental';
import { isPlainObject } from './config-keys';

/** A `{resources.<parent>.<field>}` placeholder (or a `resolve` param): a field of each parent record. */
export interface ParentReference {
  /** The parent resource. */
  resource: string;
  /** The field, possibly dotted (`user.id`). */
  field: string;
  /** Where it is used, for errors: `path`, `params.id`, `json`, `headers.x-user`. */
  usedIn: string;
}

/** An `{incremental.<name>}` placeholder: a value of the endpoint's incremental state. */
export interface IncrementalReference {
  incremental: keyof IncrementalPlaceholders;
  /** Where it is used, for errors. */
  usedIn: string;
}

const incrementalNames: readonly (keyof IncrementalPlaceholders)[] = [
  'start_value',
  'initial_value',
  'last_value',
  'end_value',
];

/** A string with placeholders: literal parts and references. */
export type StringTemplate = (string | ParentReference | IncrementalReference)[];

/** What placeholders are filled from: the parent record and the incremental values. */
export interface TemplateValues {
  parent?: Record<string, unknown> | undefined;
  incremental?: IncrementalPlaceholders | undefined;
}

/** Placeholders recognised in params, JSON bodies and headers (other braces stay literal text). */
const valuePlaceholderPattern = /\{((?:resources|incremental)\.[^{}]*)\}/g;

/** Every `{...}` in a path is a placeholder. */
const pathPlaceholderPattern = /\{([^{}]*)\}/g;

/** Parses `resources.<parent>.<field>` or `incremental.<name>`; returns a problem message when it is malformed. */
export function parseResourceExpression(
  expression: string,
  usedIn: string,
): ParentReference | IncrementalReference | string {
  const [context, resource, ...field] = expression.trim().split('.');
  if (context === 'incremental') {
    const name = incrementalNames.find((known) => known === resource);
    if (name === undefined || field.length > 0) {
      return `placeholder "{${expression}}" is not an incremental value; expected one of ${incrementalNames.map((known) => `{incremental.${known}}`).join(', ')}`;
    }
    return { incremental: name, usedIn };
  }
  if (context !== 'resources' || !resource || field.length === 0 || field.some((part) => part === '')) {
    return `placeholder "{${expression}}" is malformed; expected "{resources.<parent resource>.<field>}"`;
  }
  return { resource, field: field.join('.'), usedIn };
}

/**
 * Splits a string into literal parts and placeholders. `resolveName` handles each `{name}`
 * (returning a literal, a reference, or a problem message); in params/json/headers only
 * `{resources.*}` / `{incremental.*}` are placeholders.
 */
export function parseTemplate(
  text: string,
  options: {
    usedIn: string;
    inPath: boolean;
    resolveName?: (name: string) => string | ParentReference | { problem: string } | undefined;
    report: (message: string) => void;
  },
): StringTemplate {
  const parts: StringTemplate = [];
  const pattern = options.inPath ? pathPlaceholderPattern : valuePlaceholderPattern;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const expression = match[1] ?? '';
    parts.push(text.slice(last, match.index));
    last = match.index + match[0].length;
    if (/^(resources|incremental)\./.test(expression.trim())) {
      const parsed = parseResourceExpression(expression, options.usedIn);
      if (typeof parsed === 'string') options.report(parsed);
      else parts.push(parsed);
      continue;
    }
    const resolved = options.resolveName?.(expression.trim());
    if (resolved === undefined) {
      options.report(
        `placeholder "{${expression}}" is neither "{resources.<parent>.<field>}" nor the name of a param in the endpoint's params`,
      );
    } else if (typeof resolved === 'object' && 'problem' in resolved) {
      options.report(resolved.problem);
    } else {
      parts.push(resolved);
    }
  }
  parts.push(text.slice(last));
  return parts.filter((part) => part !== '');
}

/** The parent references a template uses. */
export function referencesOf(template: StringTemplate): ParentReference[] {
  return template.filter((part): part is ParentReference => typeof part !== 'string' && 'resource' in part);
}

/** The `{incremental.*}` placeholders a template uses. */
export function incrementalReferencesOf(template: StringTemplate): IncrementalReference[] {
  return template.filter(
    (part): part is IncrementalReference => typeof part !== 'string' && 'incremental' in part,
  );
}

/** Whether a template has placeholders to fill. */
export function hasPlaceholders(template: StringTemplate): boolean {
  return template.some((part) => typeof part !== 'string');
}

/** The value of one placeholder (a parent field or an incremental value). */
export function placeholderValue(
  part: ParentReference | IncrementalReference,
  values: TemplateValues,
  childResource: string,
): unknown {
  if ('incremental' in part) return values.incremental?.[part.incremental];
  return values.parent ? referenceValue(part, values.parent, childResource) : undefined;
}

function readField(record: Record<string, unknown>, field: string): unknown {
  if (Object.hasOwn(record, field)) return record[field];
  let current: unknown = record;
  for (const segment of field.split('.')) {
    if (!isPlainObject(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * The value of a referenced field on a parent record. A missing or null field is a
 * `ResponseError` naming the child resource, the parent and the field.
 */
export function referenceValue(
  reference: ParentReference,
  record: Record<string, unknown>,
  childResource: string,
): unknown {
  const value = readField(record, reference.field);
  if (value === undefined || value === null) {
    const keys = Object.keys(record).slice(0, 20).join(', ');
    throw new ResponseError(
      `resource "${childResource}": a record of parent resource "${reference.resource}" has ` +
        `${value === null ? 'a null' : 'no'} field "${reference.field}", which the placeholder ` +
        `{resources.${reference.resource}.${reference.field}} in ${reference.usedIn} needs ` +
        `(fields present: ${keys || 'none'}). Fix the field name, or filter such parent records out with a processing step.`,
    );
  }
  return value;
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string'
    ? value
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
}

/** Fills a template from a parent record and the incremental values; `encode` escapes values (path segments). */
export function expandTemplate(
  template: StringTemplate,
  values: TemplateValues,
  childResource: string,
  encode: (text: string) => string = (text) => text,
): string {
  let result = '';
  for (const part of template) {
    if (typeof part === 'string') result += part;
    else if ('incremental' in part || values.parent) {
      result += encode(asText(placeholderValue(part, values, childResource)));
    }
  }
  return result;
}

/** A compiled JSON body: a function of the parent record and the incremental values. */
export type JsonTemplate = (values: TemplateValues, childResource: string) => unknown;

/**
 * Compiles a JSON body. A string that is exactly one placeholder takes the field's value as is
 * (a number stays a number); other strings are filled as text.
 */
export function compileJsonTemplate(
  value: unknown,
  usedIn: string,
  report: (message: string) => void,
  references: StringTemplate,
): JsonTemplate {
  if (typeof value === 'string') {
    const template = parseTemplate(value, { usedIn, inPath: false, report });
    if (!hasPlaceholders(template)) return () => value;
    references.push(...template.filter((part) => typeof part !== 'string'));
    const only = template.length === 1 ? template[0] : undefined;
    if (only !== undefined && typeof only !== 'string') {
      return (values, childResource) =>
        'incremental' in only || values.parent ? placeholderValue(only, values, childResource) : value;
    }
    return (values, childResource) => expandTemplate(template, values, childResource);
  }
  const before = references.length;
  if (Array.isArray(value)) {
    const items = value.map((item) => compileJsonTemplate(item, usedIn, report, references));
    if (references.length === before) return () => value;
    return (values, childResource) => items.map((item) => item(values, childResource));
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).map(
      ([key, item]) => [key, compileJsonTemplate(item, usedIn, report, references)] as const,
    );
    if (references.length === before) return () => value;
    return (values, childResource) =>
      Object.fromEntries(entries.map(([key, item]) => [key, item(values, childResource)]));
  }
  return () => value;
}
