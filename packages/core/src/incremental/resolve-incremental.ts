import type { ConfigIssue } from '../errors';
import { checkJsonPath } from '../json-path/json-path';
import { type ConfigPath, formatPath, isPlainObject } from '../source/config-keys';
import type { IncrementalReference } from '../source/placeholders';
import type { EndpointSettings } from '../source/read-config';
import { type ConversionName, compareCursorValues, namedConversions } from './cursor-values';
import type { IncrementalSettings } from './incremental';

/** An endpoint's incremental settings (if any) and the deprecation notices its config form earns. */
export interface ResolvedIncremental {
  settings: IncrementalSettings | undefined;
  deprecations: string[];
}

function read(object: Record<string, unknown>, camelKey: string, snakeKey: string): unknown {
  return object[camelKey] ?? object[snakeKey];
}

function settingsFrom(object: Record<string, unknown>): IncrementalSettings {
  const convert = read(object, 'convert', 'convert');
  const primaryKey = read(object, 'primaryKey', 'primary_key');
  const optional = (key: keyof IncrementalSettings, value: unknown) =>
    value === undefined ? {} : { [key]: value };
  return {
    cursorPath: String(read(object, 'cursorPath', 'cursor_path')),
    ...optional('initialValue', read(object, 'initialValue', 'initial_value')),
    ...optional('endValue', read(object, 'endValue', 'end_value')),
    lastValueFunc: read(object, 'lastValueFunc', 'last_value_func') === 'min' ? 'min' : 'max',
    ...optional('rowOrder', read(object, 'rowOrder', 'row_order')),
    ...optional('lag', read(object, 'lag', 'lag')),
    onCursorValueMissing:
      (read(
        object,
        'onCursorValueMissing',
        'on_cursor_value_missing',
      ) as IncrementalSettings['onCursorValueMissing']) ?? 'raise',
    rangeStart: read(object, 'rangeStart', 'range_start') === 'open' ? 'open' : 'closed',
    rangeEnd: read(object, 'rangeEnd', 'range_end') === 'closed' ? 'closed' : 'open',
    ...optional('primaryKey', typeof primaryKey === 'string' ? [primaryKey] : primaryKey),
    ...optional(
      'convert',
      typeof convert === 'string' ? namedConversions[convert as ConversionName] : convert,
    ),
    ...optional('startParam', read(object, 'startParam', 'start_param')),
    ...optional('endParam', read(object, 'endParam', 'end_param')),
  };
}

/** The modern form of a deprecated config, for the deprecation notice. */
function modernForm(
  settings: IncrementalSettings,
  startParam: string | undefined,
  endParam: string | undefined,
) {
  const incremental: Record<string, unknown> = { cursor_path: settings.cursorPath };
  if (settings.initialValue !== undefined) incremental.initial_value = settings.initialValue;
  if (settings.endValue !== undefined) incremental.end_value = settings.endValue;
  const params: Record<string, string> = {};
  if (startParam) params[startParam] = '{incremental.start_value}';
  if (endParam) params[endParam] = '{incremental.end_value}';
  return JSON.stringify({ params, incremental });
}

/**
 * Reads an endpoint's incremental config in any of dlt's three forms (`endpoint.incremental` with
 * placeholders; `endpoint.incremental` with `start_param`/`end_param`; a param `{ type: "incremental" }`)
 * and checks what the schema cannot: one incremental per endpoint, `end_value` needs
 * `initial_value` and sorts after it, `cursor_path` is a JSONPath, placeholders need an incremental.
 */
export function resolveIncremental(
  endpoint: EndpointSettings,
  placeholders: IncrementalReference[],
  resource: string,
  issues: ConfigIssue[],
): ResolvedIncremental {
  const deprecations: string[] = [];
  const found: { settings: IncrementalSettings; path: ConfigPath }[] = [];
  const located = endpoint.fields.incremental;
  if (isPlainObject(located?.value)) {
    const settings = settingsFrom(located.value);
    found.push({ settings, path: located.path });
    if (settings.startParam !== undefined || settings.endParam !== undefined) {
      deprecations.push(
        `resource "${resource}": ${formatPath(located.path)} uses start_param/end_param, which are deprecated (as in dlt). ` +
          `Write it as ${modernForm(settings, settings.startParam, settings.endParam)}`,
      );
    }
  }
  for (const [name, param] of endpoint.params) {
    if (!isPlainObject(param.value) || param.value.type !== 'incremental') continue;
    const settings = settingsFrom(param.value);
    found.push({ settings, path: param.path });
    deprecations.push(
      `resource "${resource}": ${formatPath(param.path)} is a param-level incremental, which is deprecated (as in dlt). ` +
        `Write it as ${modernForm(settings, name, undefined)}`,
    );
  }
  if (found.length > 1) {
    issues.push({
      path: formatPath(found[1]?.path ?? endpoint.path),
      message: `only one incremental per endpoint is allowed (also ${formatPath(found[0]?.path ?? [])})`,
    });
  }
  const [first] = found;
  if (first === undefined) {
    for (const placeholder of placeholders) {
      issues.push({
        path: placeholder.usedIn,
        message: `placeholder {incremental.${placeholder.incremental}} needs an incremental: add endpoint.incremental with a cursor_path`,
      });
    }
    return { settings: undefined, deprecations };
  }
  const { settings, path } = first;
  const problem = checkJsonPath(settings.cursorPath);
  if (problem) issues.push({ path: formatPath([...path, 'cursor_path']), message: problem });
  if (settings.endValue !== undefined) {
    if (settings.initialValue === undefined) {
      issues.push({ path: formatPath([...path, 'end_value']), message: 'end_value requires initial_value' });
    } else {
      let order: number | undefined;
      try {
        order = compareCursorValues(settings.endValue, settings.initialValue);
      } catch (error) {
        issues.push({ path: formatPath([...path, 'end_value']), message: (error as Error).message });
      }
      if (order !== undefined && order * (settings.lastValueFunc === 'max' ? 1 : -1) < 0) {
        issues.push({
          path: formatPath([...path, 'end_value']),
          message: `end_value must come after initial_value for last_value_func "${settings.lastValueFunc}"`,
        });
      }
    }
  }
  return { settings, deprecations };
}
