import { ConfigError, type Paginator } from '@restsync/core';
import { offsetFromResolved } from './offset-paginator';
import { type OffsetPaginatorOptions, type OptionName, resolveOffsetOptions } from './options';

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

const configKeyOf: OptionName = (option) => configKeys[option];

/**
 * Builds the paginator from a dlt-style config object (`{ "type": "offset", "limit": 100,
 * "total_path": "meta.total" }`). The core's config loader calls it for `type: "offset"`; it checks
 * unknown keys itself. Problems are reported with the snake_case key the user wrote.
 */
export function fromConfig(config: Record<string, unknown>): Paginator {
  if (config.type !== undefined && config.type !== 'offset') {
    throw new ConfigError([
      { path: 'type', message: `expected "offset", got ${JSON.stringify(config.type)}` },
    ]);
  }
  const options: Record<string, unknown> = {};
  for (const [option, key] of Object.entries(configKeys)) {
    const value = config[key];
    // A YAML `~` means "not set", except for total_path where null turns the total off.
    if (value !== undefined && (value !== null || key === 'total_path')) options[option] = value;
  }
  return offsetFromResolved(resolveOffsetOptions(options as unknown as OffsetPaginatorOptions, configKeyOf));
}
