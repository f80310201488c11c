import type { Paginator } from '@restsync/core';
import { offsetAdapter } from './offset-paginator';

/**
 * Builds the paginator from a dlt-style config object (`{ "type": "offset", "limit": 100,
 * "total_path": "meta.total" }`). The core's config loader calls it for `type: "offset"`. Every
 * problem is reported at once, under the snake_case key the user wrote: wrong values, and unknown
 * keys with a suggestion when one is close (`limt` → `limit`). `total_path: null` turns the total
 * off; any other `null` means "not set".
 */
export function fromConfig(config: Record<string, unknown>): Paginator {
  return offsetAdapter.fromConfig(config);
}
