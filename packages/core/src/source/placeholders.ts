import { ResponseError } from '../errors';
import {
  type IncrementalPlaceholders,
  incrementalSettingNames,
  incrementalValueNames,
} from '../incremental/incremental';
import { didYouMean } from './config-issues';
import { type ConfigPath, formatPath, isPlainObject } from './config-keys';

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

/** Every name an `{incremental.<name>}` placeholder may take: the values, then the settings (as in dlt). */
const incrementalNames: readonly (keyof IncrementalPlaceholders)[] = [
  ...incrementalValueNames,
  ...incrementalSettingNames,
];

/** The roots a placeholder starts with (dlt's "valid expressions must start with one of"). */
const placeholderRoots = ['resources', 'incremental'] as const;

/** Every valid placeholder form, for messages. */
const validPlaceholders = `valid placeholders start with ${placeholderRoots.map((root) => `"${root}."`).join(' or ')}: {resources.<parent>.<field>}, ${incrementalValueNames.map((name) => `{incremental.${name}}`).join(', ')}`;

const escapeAdvice = 'write "{{" and "}}" for literal braces';

/** A string with placeholders: literal parts and references. */
export type StringTemplate = (string | ParentReference | IncrementalReference)[];

/** What placeholders are filled from: the parent record and the incremental values. */
export interface TemplateValues {
  parent?: Record<string, unknown> | undefined;
  incremental?: IncrementalPlaceholders | undefined;
}

/** A misspelled root (`resource.posts.id`) as the placeholder it probably meant, for "did you mean". */
function suggestion(expression: string): string {
  const [root, ...rest] = expression.split('.');
  const meant = root === undefined ? undefined : didYouMean(root, placeholderRoots);
  return meant && rest.length > 0 ? ` (did you mean "{${[meant, ...rest].join('.')}}"?)` : '';
}

/** Parses `resources.<parent>.<field>` or `incremental.<name>`; returns a problem message when it is malformed. */
export function parseResourceExpression(
  expression: string,
  usedIn: string,
): ParentReference | IncrementalReference | string {
  const [context, resource, ...field] = expression.trim().split('.');
  if (context === 'incremental') {
    const name = incrementalNames.find((known) => known === resource);
    if (name === undefined || field.length > 0) {
      const meant = resource === undefined ? undefined : didYouMean(resource, incrementalNames);
      const hint =
        meant === undefined || meant === resource ? '' : ` (did you mean "{incremental.${meant}}"?)`;
      const settings = incrementalSettingNames.map((setting) => `{incremental.${setting}}`).join(', ');
      return `placeholder "{${expression}}" is not an incremental value${hint}; ${validPlaceholders}, and the incremental's settings ${settings}`;
    }
    return { incremental: name, usedIn };
  }
  if (context !== 'resources' || !resource || field.length === 0 || field.some((part) => part === '')) {
    return `placeholder "{${expression}}" is malformed; expected "{resources.<parent resource>.<field>}"`;
  }
  return { resource, field: field.join('.'), usedIn };
}

/** How `parseTemplate` reads a string. */
export interface TemplateOptions {
  /** Where the string is, for references (`resources[1].endpoint.params.id`). */
  usedIn: string;
  /** In a path, a `{name}` without a dot binds a param of the same name (dlt's legacy form). */
  inPath: boolean;
  /** Handles a path's `{name}`: a literal, a reference, a problem, or undefined when no param has that name. */
  resolveName?: (name: string) => string | ParentReference | { problem: string } | undefined;
  report: (message: string) => void;
}

function placeholderPart(
  expression: string,
  options: TemplateOptions,
): string | ParentReference | IncrementalReference | undefined {
  const trimmed = expression.trim();
  if (/^(resources|incremental)\./.test(trimmed)) {
    const parsed = parseResourceExpression(trimmed, options.usedIn);
    if (typeof parsed !== 'string') return parsed;
    options.report(parsed);
    return undefined;
  }
  if (options.inPath && !trimmed.includes('.')) {
    const resolved = options.resolveName?.(trimmed);
    if (resolved === undefined) {
      options.report(
        `placeholder "{${expression}}" is neither "{resources.<parent>.<field>}" nor the name of a param in the endpoint's params (${escapeAdvice})`,
      );
      return undefined;
    }
    if (typeof resolved === 'object' && 'problem' in resolved) {
      options.report(resolved.problem);
      return undefined;
    }
    return resolved;
  }
  options.report(
    `placeholder "{${expression}}" is not valid${suggestion(trimmed)}; ${validPlaceholders} (${escapeAdvice})`,
  );
  return undefined;
}

/**
 * Splits a string into literal parts and placeholders, with Python's `str.format` rules as dlt
 * uses them: `{{` and `}}` are literal braces, `{expression}` is a placeholder (`{resources.…}`,
 * `{incremental.…}`, or in a path a param's name). Any other `{…}`, and a lone `{` or `}`, is
 * reported (the first problem of the string): a config error, never literal text.
 */
export function parseTemplate(text: string, given: TemplateOptions): StringTemplate {
  // One problem per string: the first brace out of place usually explains the rest.
  let reported = false;
  const options: TemplateOptions = {
    ...given,
    report: (message) => {
      if (!reported) given.report(message);
      reported = true;
    },
  };
  const parts: StringTemplate = [];
  let literal = '';
  let index = 0;
  const flush = () => {
    if (literal !== '') parts.push(literal);
    literal = '';
  };
  while (index < text.length) {
    const character = text[index] as string;
    const pair = text.slice(index, index + 2);
    if (pair === '{{' || pair === '}}') {
      literal += character;
      index += 2;
    } else if (character === '}') {
      options.report(`a single "}" at position ${index} is not a placeholder; ${escapeAdvice}`);
      index += 1;
    } else if (character === '{') {
      const close = text.indexOf('}', index + 1);
      const open = text.indexOf('{', index + 1);
      if (close === -1 || (open !== -1 && open < close)) {
        options.report(`a "{" at position ${index} opens no placeholder; ${escapeAdvice}`);
        index += 1;
        continue;
      }
      const part = placeholderPart(text.slice(index + 1, close), options);
      if (typeof part === 'string') literal += part;
      else if (part !== undefined) {
        flush();
        parts.push(part);
      }
      index = close + 1;
    } else {
      literal += character;
      index += 1;
    }
  }
  flush();
  return parts;
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

/** A compiled body value: a function of the parent record and the incremental values. */
export type JsonTemplate = (values: TemplateValues, childResource: string) => unknown;

/** How `compileValueTemplate` reads a nested value. */
export interface ValueTemplateOptions {
  /** Reports a problem at a path inside the value. */
  report: (path: ConfigPath) => (message: string) => void;
  /** Collects every placeholder the value uses. */
  references: StringTemplate;
  /**
   * A string that is exactly one placeholder takes the value as is (a number stays a number), as
   * in dlt's `json`; otherwise every placeholder is filled as text.
   */
  keepType: boolean;
}

function compileString(text: string, path: ConfigPath, options: ValueTemplateOptions): JsonTemplate {
  const usedIn = formatPath(path);
  const template = parseTemplate(text, { usedIn, inPath: false, report: options.report(path) });
  if (!hasPlaceholders(template)) {
    const literal = template.join('');
    return () => literal;
  }
  options.references.push(...template.filter((part) => typeof part !== 'string'));
  const only = template.length === 1 ? template[0] : undefined;
  if (options.keepType && only !== undefined && typeof only !== 'string') {
    return (values, childResource) =>
      'incremental' in only || values.parent ? placeholderValue(only, values, childResource) : text;
  }
  return (values, childResource) => expandTemplate(template, values, childResource);
}

/**
 * Compiles a body (dlt's `json` or `data`): placeholders and `{{ }}` escapes are filled in every
 * string, dictionary keys included, at any depth. Other values are kept as they are.
 */
export function compileValueTemplate(
  value: unknown,
  path: ConfigPath,
  options: ValueTemplateOptions,
): JsonTemplate {
  if (typeof value === 'string') return compileString(value, path, options);
  if (Array.isArray(value)) {
    const items = value.map((item, index) => compileValueTemplate(item, [...path, index], options));
    return (values, childResource) => items.map((item) => item(values, childResource));
  }
  if (isPlainObject(value)) {
    const keyOptions = { ...options, keepType: false };
    const entries = Object.entries(value).map(
      ([key, item]) =>
        [
          compileString(key, [...path, key], keyOptions),
          compileValueTemplate(item, [...path, key], options),
        ] as const,
    );
    return (values, childResource) =>
      Object.fromEntries(
        entries.map(([key, item]) => [String(key(values, childResource)), item(values, childResource)]),
      );
  }
  return () => value;
}
