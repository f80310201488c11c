import { ConfigError, type Paginator, unknownKeyIssues } from '@restsync/core';
import { offsetFromResolved } from './offset-paginator';
import {
  type OffsetPaginatorOptions,
  type OptionName,
  type ResolvedOffsetOptions,
  resolveOffsetOptions,
} from './options';

/** dlt's snake_case config key for each option. */
const configKeys = {
  limit: 'limit',
  offset: 'offset',
  offsetParam: 'offset_param',
  limitParam: 'limit_param',
  offsetBodyPath: 'offset_body_path',
  limitBodyPath: 'limit_body_path',
  totalPath: 'total_path',
  maximumOffset: 'maximum_offset',
  stopAfterEmptyPage: 'stop_after_empty_page',
  hasMorePath: 'has_more_path',
} as const satisfies Record<keyof OffsetPaginatorOptions, string>;

const optionKeys: readonly string[] = Object.values(configKeys);

const configKeyOf: OptionName = (option) => configKeys[option];

/**
 * Builds the paginator from a dlt-style config object (`{ "type": "offset", "limit": 100,
 * "total_path": "meta.total" }`). The core's config loader calls it for `type: "offset"` (with
 * `type` removed). Every problem is reported at once, under the snake_case key the user wrote:
 * wrong values, and unknown keys with a suggestion when one is close (`limt` → `limit`).
 */
export function fromConfig(config: Record<string, unknown>): Paginator {
  const issues = unknownKeyIssues(config, optionKeys, ['type']);
  if (config.type !== undefined && config.type !== 'offset') {
    issues.push({ path: 'type', message: `expected "offset", got ${JSON.stringify(config.type)}` });
  }
  const options: Record<string, unknown> = {};
  for (const [option, key] of Object.entries(configKeys)) {
    const value = config[key];
    // A YAML `~` means "not set", except for total_path where null turns the total off.
    if (value !== undefined && (value !== null || key === 'total_path')) options[option] = value;
  }
  let resolved: ResolvedOffsetOptions;
  try {
    resolved = resolveOffsetOptions(options as unknown as OffsetPaginatorOptions, configKeyOf);
  } catch (error) {
    if (issues.length === 0 || !ConfigError.isInstance(error)) throw error;
    throw new ConfigError([...issues, ...error.issues]);
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return offsetFromResolved(resolved);
}
