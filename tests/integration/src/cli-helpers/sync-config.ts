import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The seed config in dlt's form (`{ "secret": "api_key" }` reads API_KEY), pointed at `baseUrl`. */
export function seedSource(baseUrl: string) {
  return {
    client: {
      base_url: baseUrl,
      auth: { type: 'api_key', name: 'api_key', api_key: { secret: 'api_key' }, location: 'query' },
      // Quick backoff for 503s and resets (a 429's Retry-After still sets its wait). Up to 4 pages are
      // fetched at once, so one page can meet more faults in a row than the server's maxConsecutive.
      retry: { initial_delay_ms: 50, max_delay_ms: 200, max_retries: 8 },
    },
    resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
    resources: [
      {
        name: 'resource_name',
        endpoint: { path: '/v1/resource', data_selector: 'data', paginator: { type: 'offset', limit: 100 } },
      },
    ],
  };
}

/** Writes `content` (an object as JSON, a string as is) into `directory/name`; returns the name. */
export async function writeConfig(directory: string, name: string, content: unknown): Promise<string> {
  await writeFile(
    join(directory, name),
    typeof content === 'string' ? content : JSON.stringify(content, null, 2),
  );
  return name;
}
